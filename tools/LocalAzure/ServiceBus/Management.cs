using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace MigrateHub.LocalAzure.ServiceBus;

/// <summary>The "&lt;entity&gt;/$management" node: request messages carry an "operation" application property
/// and an AMQP map body; responses carry statusCode/statusDescription and a map body.</summary>
internal static class Management
{
    public static AmqpMessage Handle(QueueEntity entity, AmqpMessage request)
    {
        string? operation = null;
        request.ApplicationProperties?.Map.TryGetValue("operation", out operation);
        AmqpMap body = (request.BodyType & SectionFlag.AmqpValue) != 0 && request.ValueBody?.Value is AmqpMap map ? map : new AmqpMap();
        try
        {
            return operation switch
            {
                AmqpNames.OpRenewLock => Ok(new AmqpMap { [Key("expirations")] = entity.RenewLocks(Guids(body, "lock-tokens")) }),
                AmqpNames.OpPeek => Peek(entity, body),
                AmqpNames.OpSchedule => Ok(new AmqpMap { [Key("sequence-numbers")] = entity.Schedule(ScheduledMessages(body)) }),
                AmqpNames.OpCancelScheduled => CancelScheduled(entity, body),
                AmqpNames.OpReceiveBySequenceNumber => ReceiveBySequenceNumber(entity, body),
                AmqpNames.OpUpdateDisposition => UpdateDisposition(entity, body),
                AmqpNames.OpRenewSessionLock => Ok(new AmqpMap { [Key("expiration")] = entity.RenewSessionLock(SessionId(body)) }),
                AmqpNames.OpGetSessionState => GetSessionState(entity, body),
                AmqpNames.OpSetSessionState => SetSessionState(entity, body),
                null => throw new AmqpException(AmqpErrorCode.InvalidField, "The management request has no 'operation' application property."),
                _ => throw new AmqpException(AmqpErrorCode.NotImplemented,
                    $"The operation '{operation}' is not supported by the local Service Bus endpoint."),
            };
        }
        catch (AmqpException ex)
        {
            return ErrorResponse(ex.Error);
        }
        catch (Exception ex) when (ex is InvalidCastException or KeyNotFoundException or ArgumentException or FormatException)
        {
            return ErrorResponse(new Error { Condition = AmqpNames.ArgumentError, Description = $"Malformed '{operation}' request: {ex.Message}" });
        }
    }

    public static AmqpMessage ErrorResponse(Error error)
    {
        string condition = error.Condition.Value ?? AmqpErrorCode.InternalError.Value;
        int status = condition switch
        {
            "amqp:not-found" or AmqpNames.MessageNotFound => 404,
            AmqpNames.MessageLockLost or AmqpNames.SessionLockLost => 410,
            AmqpNames.SessionCannotBeLocked => 409,
            "amqp:not-implemented" => 501,
            "amqp:invalid-field" or AmqpNames.ArgumentError => 400,
            AmqpNames.Timeout => 408,
            _ => 500,
        };
        AmqpMessage response = AmqpMessage.Create(new AmqpValue { Value = new AmqpMap() });
        response.ApplicationProperties = new ApplicationProperties();
        response.ApplicationProperties.Map["statusCode"] = status;
        response.ApplicationProperties.Map["statusDescription"] = error.Description ?? condition;
        response.ApplicationProperties.Map["errorCondition"] = new AmqpSymbol(condition);
        return response;
    }

    private static AmqpMessage Ok(AmqpMap body, int status = 200)
    {
        AmqpMessage response = AmqpMessage.Create(new AmqpValue { Value = body });
        response.ApplicationProperties = new ApplicationProperties();
        response.ApplicationProperties.Map["statusCode"] = status;
        response.ApplicationProperties.Map["statusDescription"] = status == 204 ? "No Content" : "OK";
        return response;
    }

    private static MapKey Key(string name) => new(name);

    private static object? Get(AmqpMap body, string name) => body.TryGetValue(new MapKey(name), out object? value) ? value : null;

    private static string SessionId(AmqpMap body) =>
        Get(body, "session-id") as string ?? throw new AmqpException(AmqpErrorCode.InvalidField, "'session-id' is required.");

    private static List<Guid> Guids(AmqpMap body, string name) => Get(body, name) switch
    {
        Guid[] array => array.ToList(),
        IEnumerable<object> list => list.Select(o => (Guid)o).ToList(),
        _ => throw new AmqpException(AmqpErrorCode.InvalidField, $"'{name}' is required."),
    };

    private static List<long> Longs(AmqpMap body, string name) => Get(body, name) switch
    {
        long[] array => array.ToList(),
        IEnumerable<object> list => list.Select(Convert.ToInt64).ToList(),
        _ => throw new AmqpException(AmqpErrorCode.InvalidField, $"'{name}' is required."),
    };

    private static AmqpMessage Peek(QueueEntity entity, AmqpMap body)
    {
        long from = Convert.ToInt64(Get(body, "from-sequence-number") ?? 0L);
        int count = Convert.ToInt32(Get(body, "message-count") ?? 1);
        List<byte[]> messages = entity.Peek(from, count, Get(body, "session-id") as string);
        if (messages.Count == 0)
        {
            return Ok(new AmqpMap(), 204);
        }

        var list = messages.Select(bytes => (object)new AmqpMap { [Key("message")] = new ArraySegment<byte>(bytes) }).ToList();
        return Ok(new AmqpMap { [Key("messages")] = list });
    }

    private static List<(byte[], IncomingInfo)> ScheduledMessages(AmqpMap body)
    {
        if (Get(body, "messages") is not IEnumerable<object> entries)
        {
            throw new AmqpException(AmqpErrorCode.InvalidField, "'messages' is required.");
        }

        var result = new List<(byte[], IncomingInfo)>();
        foreach (object entry in entries)
        {
            var map = (AmqpMap)entry;
            byte[] bytes = MessageCodec.SegmentToArray(Get(map, "message"));
            result.Add((bytes, MessageCodec.ReadInfo(MessageCodec.Decode(bytes))));
        }

        return result;
    }

    private static AmqpMessage CancelScheduled(QueueEntity entity, AmqpMap body)
    {
        entity.CancelScheduled(Longs(body, "sequence-numbers"));
        return Ok(new AmqpMap());
    }

    private static AmqpMessage ReceiveBySequenceNumber(QueueEntity entity, AmqpMap body)
    {
        // receiver-settle-mode: 0 = ReceiveAndDelete, 1 = PeekLock
        bool peekLock = Convert.ToUInt32(Get(body, "receiver-settle-mode") ?? 1u) != 0;
        List<(Guid LockToken, byte[] Message)> messages = entity.ReceiveDeferred(Longs(body, "sequence-numbers"), peekLock, Get(body, "session-id") as string);
        var list = messages.Select(m => (object)new AmqpMap
        {
            [Key("lock-token")] = m.LockToken,
            [Key("message")] = new ArraySegment<byte>(m.Message),
        }).ToList();
        return Ok(new AmqpMap { [Key("messages")] = list });
    }

    private static AmqpMessage UpdateDisposition(QueueEntity entity, AmqpMap body)
    {
        Fields? properties = null;
        if (Get(body, "properties-to-modify") is AmqpMap modify)
        {
            properties = new Fields();
            foreach (KeyValuePair<MapKey, object> pair in modify)
            {
                properties[new AmqpSymbol(pair.Key.Key?.ToString() ?? string.Empty)] = pair.Value;
            }
        }

        string status = Get(body, "disposition-status") as string ?? throw new AmqpException(AmqpErrorCode.InvalidField, "'disposition-status' is required.");
        entity.UpdateDisposition(Guids(body, "lock-tokens"), status, Get(body, "deadletter-reason") as string, Get(body, "deadletter-description") as string, properties);
        return Ok(new AmqpMap());
    }

    private static AmqpMessage GetSessionState(QueueEntity entity, AmqpMap body)
    {
        byte[]? state = entity.GetSessionState(SessionId(body));
        var map = new AmqpMap();
        map[Key("session-state")] = state is null ? null! : new ArraySegment<byte>(state);
        return Ok(map);
    }

    private static AmqpMessage SetSessionState(QueueEntity entity, AmqpMap body)
    {
        object? value = Get(body, "session-state");
        entity.SetSessionState(SessionId(body), value is null ? null : MessageCodec.SegmentToArray(value));
        return Ok(new AmqpMap());
    }
}
