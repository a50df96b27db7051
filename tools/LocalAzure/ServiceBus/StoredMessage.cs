using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace MigrateHub.LocalAzure.ServiceBus;

internal enum StoredMessageState
{
    Active = 0,
    Deferred = 1,
    Scheduled = 2,
}

/// <summary>A message held by a queue. The encoded form is kept as the client sent it; broker fields
/// (delivery count, sequence number, enqueued time, lock) are put on the wire at each delivery.</summary>
internal sealed class StoredMessage
{
    public StoredMessage(byte[] encoded, IncomingInfo info)
    {
        Encoded = encoded;
        MessageId = info.MessageId;
        SessionId = info.SessionId;
        TimeToLive = info.TimeToLive;
    }

    public byte[] Encoded { get; set; }

    public string? MessageId { get; }

    public string? SessionId { get; }

    public TimeSpan? TimeToLive { get; set; }

    public long SequenceNumber { get; set; }

    public DateTime EnqueuedTime { get; set; }

    public DateTime ExpiresAt { get; set; } = DateTime.MaxValue;

    public DateTime ScheduledEnqueueTime { get; set; }

    public StoredMessageState State { get; set; }

    /// <summary>Number of deliveries so far (a receive counts as one).</summary>
    public int DeliveryCount { get; set; }

    public Guid LockToken { get; set; }

    public DateTime LockedUntil { get; set; }

    /// <summary>The consumer link that holds the lock; null when locked through $management.</summary>
    public Consumer? LockOwner { get; set; }

    public bool IsLocked => LockToken != Guid.Empty;
}

/// <summary>Fields read from an incoming message.</summary>
internal readonly record struct IncomingInfo(string? MessageId, string? SessionId, TimeSpan? TimeToLive, DateTime? ScheduledEnqueueTime);

internal static class MessageCodec
{
    /// <summary>Decodes an encoded message; its sections are re-encoded when it is sent or serialized.</summary>
    public static AmqpMessage Decode(byte[] encoded) =>
        AmqpMessage.CreateAmqpStreamMessage(new BufferListStream(new[] { new ArraySegment<byte>(encoded) }), false);

    /// <summary>Bytes of a message received from a link (as the client encoded it).</summary>
    public static byte[] ReceivedBytes(AmqpMessage message)
    {
        using Stream stream = message.ToStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Encodes a message built or modified here.</summary>
    public static byte[] Encode(AmqpMessage message)
    {
        ArraySegment<byte>[] segments = message.GetPayload();
        var bytes = new byte[segments.Sum(s => s.Count)];
        int offset = 0;
        foreach (ArraySegment<byte> segment in segments)
        {
            segment.AsSpan().CopyTo(bytes.AsSpan(offset));
            offset += segment.Count;
        }

        return bytes;
    }

    public static byte[] SegmentToArray(object? value) => value switch
    {
        ArraySegment<byte> segment => segment.ToArray(),
        byte[] bytes => (byte[])bytes.Clone(),
        _ => throw new AmqpException(AmqpErrorCode.DecodeError, "Expected a binary value."),
    };

    public static IncomingInfo ReadInfo(AmqpMessage message)
    {
        SectionFlag sections = message.Sections;
        string? messageId = null;
        string? sessionId = null;
        if ((sections & SectionFlag.Properties) != 0 && message.Properties is { } properties)
        {
            messageId = properties.MessageId?.ToString();
            sessionId = properties.GroupId;
        }

        TimeSpan? ttl = null;
        if ((sections & SectionFlag.Header) != 0 && message.Header?.Ttl is uint ttlMs)
        {
            ttl = TimeSpan.FromMilliseconds(ttlMs);
        }

        DateTime? scheduled = null;
        if ((sections & SectionFlag.MessageAnnotations) != 0 && message.MessageAnnotations is { } annotations &&
            annotations.Map.TryGetValue(new AmqpSymbol(AmqpNames.ScheduledEnqueueTime), out DateTime at))
        {
            scheduled = at.ToUniversalTime();
        }

        return new IncomingInfo(messageId, sessionId, ttl, scheduled);
    }

    /// <summary>Builds the message put on the wire: the stored sections plus the broker's header and annotations.</summary>
    public static AmqpMessage BuildOutgoing(StoredMessage stored, DateTime? lockedUntil)
    {
        AmqpMessage message = Decode(stored.Encoded);
        Header header = message.Header;
        // AMQP delivery-count = number of earlier delivery attempts; the client reports it + 1.
        header.DeliveryCount = (uint)Math.Max(0, stored.DeliveryCount - 1);
        header.Ttl = stored.TimeToLive is { } ttl && ttl.TotalMilliseconds < uint.MaxValue ? (uint)ttl.TotalMilliseconds : null;

        if (stored.ExpiresAt != DateTime.MaxValue && stored.State == StoredMessageState.Active)
        {
            // Azure reports expiry from the enqueue time, not the sender's clock.
            message.Properties.CreationTime = stored.EnqueuedTime;
            message.Properties.AbsoluteExpiryTime = stored.ExpiresAt;
        }

        Annotations annotations = message.MessageAnnotations.Map;
        annotations[new AmqpSymbol(AmqpNames.SequenceNumber)] = stored.SequenceNumber;
        annotations[new AmqpSymbol(AmqpNames.EnqueuedTime)] = stored.EnqueuedTime;
        if (lockedUntil is { } until)
        {
            annotations[new AmqpSymbol(AmqpNames.LockedUntil)] = until;
        }

        if (stored.State == StoredMessageState.Deferred)
        {
            annotations[new AmqpSymbol(AmqpNames.MessageState)] = 1;
        }
        else if (stored.State == StoredMessageState.Scheduled)
        {
            annotations[new AmqpSymbol(AmqpNames.MessageState)] = 2;
        }

        return message;
    }

    /// <summary>Re-encodes a stored message with changed application properties and annotations.</summary>
    public static byte[] Modify(byte[] encoded, IEnumerable<KeyValuePair<string, object?>> applicationProperties, IEnumerable<KeyValuePair<string, object?>>? annotations = null)
    {
        AmqpMessage message = Decode(encoded);
        message.ApplicationProperties ??= new ApplicationProperties();
        foreach (KeyValuePair<string, object?> pair in applicationProperties)
        {
            message.ApplicationProperties.Map[pair.Key] = pair.Value;
        }

        if (annotations != null)
        {
            foreach (KeyValuePair<string, object?> pair in annotations)
            {
                message.MessageAnnotations.Map[new AmqpSymbol(pair.Key)] = pair.Value;
            }
        }

        return Encode(message);
    }
}
