using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Reads a JSON array of numbers straight into an array: performance columns hold millions of numbers per upload,
/// and the serializer's general collection path (a growing list per array, then a copy) costs more than the numbers.
/// Same strictness as the serializer: numbers only (no strings), null for a null array.
/// </summary>
/// <typeparam name="T">double or long.</typeparam>
internal abstract class NumberArrayConverter<T> : JsonConverter<T[]>
    where T : struct
{
    /// <inheritdoc />
    public override T[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(T).Name}[]: an array of numbers is expected.");
        }

        var buffer = ArrayPool<T>.Shared.Rent(1024);
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !TryRead(ref reader, out var value))
                {
                    throw new JsonException($"The JSON value at index {count} could not be converted to {typeof(T).Name}.");
                }

                if (count == buffer.Length)
                {
                    var larger = ArrayPool<T>.Shared.Rent(count * 2);
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<T>.Shared.Return(buffer);
                    buffer = larger;
                }

                buffer[count++] = value;
            }

            return buffer.AsSpan(0, count).ToArray();
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T[] value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var v in value)
        {
            Write(writer, v);
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads the current number token.</summary>
    protected abstract bool TryRead(ref Utf8JsonReader reader, out T value);

    /// <summary>Writes one number.</summary>
    protected abstract void Write(Utf8JsonWriter writer, T value);
}

/// <summary>double[] as a JSON array of numbers.</summary>
internal sealed class DoubleArrayConverter : NumberArrayConverter<double>
{
    /// <inheritdoc />
    protected override bool TryRead(ref Utf8JsonReader reader, out double value) =>
        (!reader.HasValueSequence && DecimalText.TryParseShort(reader.ValueSpan, out value)) || reader.TryGetDouble(out value);

    /// <inheritdoc />
    protected override void Write(Utf8JsonWriter writer, double value) => writer.WriteNumberValue(value);
}

/// <summary>long[] as a JSON array of integers.</summary>
internal sealed class Int64ArrayConverter : NumberArrayConverter<long>
{
    /// <inheritdoc />
    protected override bool TryRead(ref Utf8JsonReader reader, out long value) => reader.TryGetInt64(out value);

    /// <inheritdoc />
    protected override void Write(Utf8JsonWriter writer, long value) => writer.WriteNumberValue(value);
}
