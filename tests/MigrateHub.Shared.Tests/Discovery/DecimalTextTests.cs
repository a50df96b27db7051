using System.Globalization;
using System.Text;
using System.Text.Json;
using MigrateHub.Shared.Discovery;

namespace MigrateHub.Shared.Tests.Discovery;

public sealed class DecimalTextTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("7")]
    [InlineData("0.1")]
    [InlineData("0.3")]
    [InlineData("23.456")]
    [InlineData("-12.5")]
    [InlineData("100")]
    [InlineData("0.000000000000001")]
    [InlineData("999999999999999")]
    [InlineData("99999999999999.9")]
    [InlineData("0.123456789012345")]
    [InlineData("00012.5")]
    [InlineData("0.0000000000000000000001")]
    public void A_short_decimal_parses_to_the_same_double_as_the_general_parser(string text)
    {
        Assert.True(DecimalText.TryParseShort(Encoding.ASCII.GetBytes(text), out var value));
        var expected = double.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1.2.3")]
    [InlineData("1e5")]
    [InlineData("1.5E-3")]
    [InlineData("1234567890123456")] // 16 digits: more than an exact mantissa guarantees
    [InlineData("0.1234567890123456")]
    [InlineData("0.00000000000000000000001")] // 23 digits after the point
    [InlineData("12a")]
    [InlineData("--1")]
    public void Anything_else_is_left_to_the_general_parser(string text)
    {
        Assert.False(DecimalText.TryParseShort(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(0, value);
    }

    [Fact]
    public void Random_decimals_of_every_length_and_scale_match_the_general_parser_bit_for_bit()
    {
        var random = new Random(20261206);
        for (var n = 0; n < 200_000; n++)
        {
            var digits = random.Next(1, DecimalText.MaxDigits + 1);
            var builder = new StringBuilder();
            if (random.Next(4) == 0)
            {
                builder.Append('-');
            }

            if (random.Next(3) == 0)
            {
                // 0.000ddd: zeros after the point are not significant digits
                builder.Append("0.").Append('0', random.Next(0, DecimalText.MaxFractionDigits - digits + 1));
                for (var d = 0; d < digits; d++)
                {
                    builder.Append((char)('0' + random.Next(10)));
                }
            }
            else
            {
                var point = random.Next(0, digits + 1); // digits before the point
                for (var d = 0; d < digits; d++)
                {
                    if (d == point && d > 0)
                    {
                        builder.Append('.');
                    }

                    builder.Append((char)('0' + random.Next(10)));
                }
            }

            var text = builder.ToString();
            Assert.True(DecimalText.TryParseShort(Encoding.ASCII.GetBytes(text), out var value), text);
            var expected = double.Parse(text, CultureInfo.InvariantCulture);
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{text}: {value:R} != {expected:R}");
        }
    }

    [Fact]
    public void Performance_columns_read_through_the_fast_path_equal_the_values_written()
    {
        // Values as appliances send them (3-4 decimals) and ones the fast path hands back (exponents, 17 digits).
        var random = new Random(7);
        var values = Enumerable.Range(0, 5_000).Select(i => i % 10 switch
        {
            0 => 1.5e-7,
            1 => Math.PI,
            2 => -0.0,
            _ => Math.Round(random.NextDouble() * 1000, random.Next(0, 5)),
        }).ToArray();
        var json = JsonSerializer.Serialize(new PerformanceColumns { CpuPercent = values }, DiscoveryJson.Options);
        var read = JsonSerializer.Deserialize<PerformanceColumns>(json, DiscoveryJson.Options)!;
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), read.CpuPercent!.Select(BitConverter.DoubleToInt64Bits));
    }
}
