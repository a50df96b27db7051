using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Transaction;

namespace MigrateHub.LocalAzure.ServiceBus;

/// <summary>One queue (or its dead-letter sub-queue): message store, locks, sessions and dispatch.
/// All state is guarded by one lock; links are served from inside it so credit and locks stay consistent.</summary>
internal sealed class QueueEntity
{
    private static readonly Accepted AcceptedOutcome = new();

    private readonly object sync = new();
    private readonly SortedDictionary<long, StoredMessage> all = new();
    private readonly SortedSet<long> ready = new();
    private readonly Dictionary<string, SessionState> sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, StoredMessage> locks = new();
    private readonly List<StoredMessage> scheduled = new();
    private readonly List<Consumer> consumers = new();
    private readonly List<PendingAccept> pendingAccepts = new();
    private readonly Dictionary<string, DateTime> seenMessageIds = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTime At)> seenOrder = new();
    private long lastSequenceNumber;
    private int nextConsumer;
    private int dropNext;

    public QueueEntity(LocalQueueOptions options, bool isDeadLetterQueue)
    {
        Options = options;
        IsDeadLetterQueue = isDeadLetterQueue;
        Name = isDeadLetterQueue ? options.Name + AmqpNames.DeadLetterQueueSuffix : options.Name;
        if (!isDeadLetterQueue)
        {
            DeadLetterQueue = new QueueEntity(options, true);
        }
    }

    public string Name { get; }

    public LocalQueueOptions Options { get; }

    public bool IsDeadLetterQueue { get; }

    public QueueEntity? DeadLetterQueue { get; }

    public bool RequiresSession => Options.RequiresSession && !IsDeadLetterQueue;

    private int MaxDeliveryCount => IsDeadLetterQueue ? int.MaxValue : Math.Max(1, Options.MaxDeliveryCount);

    // ---------------------------------------------------------------- inspection

    public long ActiveMessageCount
    {
        get
        {
            lock (sync)
            {
                return all.Count - scheduled.Count - all.Values.Count(m => m.State == StoredMessageState.Deferred);
            }
        }
    }

    public long ScheduledMessageCount
    {
        get
        {
            lock (sync)
            {
                return scheduled.Count;
            }
        }
    }

    public long DeferredMessageCount
    {
        get
        {
            lock (sync)
            {
                return all.Values.Count(m => m.State == StoredMessageState.Deferred);
            }
        }
    }

    public void DropNextMessages(int count)
    {
        lock (sync)
        {
            dropNext += count;
        }
    }

    // ---------------------------------------------------------------- sending side

    /// <summary>Stores messages that arrived in one transfer. Returns null on success, else the error to reject with.</summary>
    public Error? Enqueue(IReadOnlyList<(byte[] Encoded, IncomingInfo Info)> messages)
    {
        lock (sync)
        {
            if (RequiresSession)
            {
                foreach ((byte[] _, IncomingInfo info) in messages)
                {
                    if (string.IsNullOrEmpty(info.SessionId))
                    {
                        return new Error
                        {
                            Condition = AmqpErrorCode.InvalidField,
                            Description = $"The queue '{Name}' requires sessions: set SessionId on every message sent to it.",
                        };
                    }
                }
            }

            DateTime now = DateTime.UtcNow;
            foreach ((byte[] encoded, IncomingInfo info) in messages)
            {
                if (Options.RequiresDuplicateDetection && !IsDeadLetterQueue && info.MessageId != null && IsDuplicate(info.MessageId, now))
                {
                    continue;
                }

                if (dropNext > 0)
                {
                    dropNext--;
                    continue;
                }

                AddLocked(new StoredMessage(encoded, info), now, info.ScheduledEnqueueTime);
            }

            Dispatch();
        }

        return null;
    }

    /// <summary>Stores scheduled messages (from $management schedule-message) and returns their sequence numbers.</summary>
    public long[] Schedule(IReadOnlyList<(byte[] Encoded, IncomingInfo Info)> messages)
    {
        lock (sync)
        {
            DateTime now = DateTime.UtcNow;
            var numbers = new long[messages.Count];
            for (int i = 0; i < messages.Count; i++)
            {
                (byte[] encoded, IncomingInfo info) = messages[i];
                if (RequiresSession && string.IsNullOrEmpty(info.SessionId))
                {
                    throw new AmqpException(AmqpErrorCode.InvalidField, $"The queue '{Name}' requires sessions: set SessionId on every message sent to it.");
                }

                var message = new StoredMessage(encoded, info);
                AddLocked(message, now, info.ScheduledEnqueueTime ?? now);
                numbers[i] = message.SequenceNumber;
            }

            Dispatch();
            return numbers;
        }
    }

    public void CancelScheduled(IEnumerable<long> sequenceNumbers)
    {
        lock (sync)
        {
            foreach (long number in sequenceNumbers)
            {
                if (all.TryGetValue(number, out StoredMessage? message) && message.State == StoredMessageState.Scheduled)
                {
                    all.Remove(number);
                    scheduled.Remove(message);
                }
            }
        }
    }

    private bool IsDuplicate(string messageId, DateTime now)
    {
        DateTime horizon = now - Options.DuplicateDetectionWindow;
        while (seenOrder.Count > 0 && seenOrder.Peek().At < horizon)
        {
            (string id, DateTime at) = seenOrder.Dequeue();
            if (seenMessageIds.TryGetValue(id, out DateTime last) && last == at)
            {
                seenMessageIds.Remove(id);
            }
        }

        if (seenMessageIds.ContainsKey(messageId))
        {
            return true;
        }

        seenMessageIds[messageId] = now;
        seenOrder.Enqueue((messageId, now));
        return false;
    }

    private void AddLocked(StoredMessage message, DateTime now, DateTime? scheduledAt)
    {
        message.SequenceNumber = ++lastSequenceNumber;
        if (!IsDeadLetterQueue && Options.DefaultTimeToLive < TimeSpan.MaxValue &&
            (message.TimeToLive is null || message.TimeToLive > Options.DefaultTimeToLive))
        {
            message.TimeToLive = Options.DefaultTimeToLive;
        }

        all[message.SequenceNumber] = message;
        if (scheduledAt is { } at && at > now)
        {
            message.State = StoredMessageState.Scheduled;
            message.ScheduledEnqueueTime = at;
            message.EnqueuedTime = at;
            scheduled.Add(message);
        }
        else
        {
            Activate(message, now);
        }
    }

    private void Activate(StoredMessage message, DateTime now)
    {
        message.State = StoredMessageState.Active;
        message.EnqueuedTime = now;
        message.ExpiresAt = message.TimeToLive is { } ttl && ttl < DateTime.MaxValue - now ? now + ttl : DateTime.MaxValue;
        MakeReady(message);
    }

    /// <summary>Adds a message moved here from the parent queue (dead-lettering).</summary>
    private void AddDeadLettered(StoredMessage message)
    {
        lock (sync)
        {
            DateTime enqueued = message.EnqueuedTime;
            message.SequenceNumber = ++lastSequenceNumber;
            message.State = StoredMessageState.Active;
            message.ExpiresAt = DateTime.MaxValue;
            all[message.SequenceNumber] = message;
            MakeReady(message);
            message.EnqueuedTime = enqueued;
            Dispatch();
        }
    }

    private void MakeReady(StoredMessage message)
    {
        if (RequiresSession)
        {
            GetOrCreateSession(message.SessionId!).Ready.Add(message.SequenceNumber);
        }
        else
        {
            ready.Add(message.SequenceNumber);
        }
    }

    private SessionState GetOrCreateSession(string id)
    {
        if (!sessions.TryGetValue(id, out SessionState? session))
        {
            session = new SessionState(id);
            sessions.Add(id, session);
        }

        return session;
    }

    // ---------------------------------------------------------------- receiving side

    public void AddConsumer(Consumer consumer)
    {
        lock (sync)
        {
            consumers.Add(consumer);
        }
    }

    public void OnCredit(Consumer consumer)
    {
        lock (sync)
        {
            if (!consumer.IsClosed)
            {
                Dispatch();
            }
        }
    }

    private void Dispatch()
    {
        if (RequiresSession)
        {
            foreach (Consumer consumer in consumers)
            {
                if (consumer.Session is { } session && session.Owner == consumer)
                {
                    while (session.Ready.Count > 0 && CanSend(consumer))
                    {
                        DeliverNext(consumer, session.Ready);
                    }
                }
            }

            CompletePendingAccepts(DateTime.UtcNow);
            return;
        }

        bool progress = true;
        while (ready.Count > 0 && consumers.Count > 0 && progress)
        {
            progress = false;
            int count = consumers.Count;
            for (int i = 0; i < count && ready.Count > 0; i++)
            {
                Consumer consumer = consumers[(nextConsumer + i) % count];
                if (CanSend(consumer))
                {
                    DeliverNext(consumer, ready);
                    progress = true;
                }
            }

            nextConsumer = (nextConsumer + 1) % count;
        }
    }

    private static bool CanSend(Consumer consumer) =>
        !consumer.IsClosed && consumer.Link.State == AmqpObjectState.Opened && consumer.Link.LinkCredit > 0;

    private void DeliverNext(Consumer consumer, SortedSet<long> source)
    {
        long sequenceNumber = source.Min;
        source.Remove(sequenceNumber);
        StoredMessage message = all[sequenceNumber];
        DateTime now = DateTime.UtcNow;
        if (now >= message.ExpiresAt)
        {
            Expire(message);
            return;
        }

        message.DeliveryCount++;
        Guid token = Guid.NewGuid();
        DateTime? lockedUntil = null;
        if (consumer.SettleOnSend)
        {
            all.Remove(sequenceNumber);
        }
        else
        {
            DateTime until = consumer.Session?.LockedUntil ?? now + Options.LockDuration;
            Lock(message, token, until, consumer);
            lockedUntil = until;
        }

        try
        {
            AmqpMessage wire = MessageCodec.BuildOutgoing(message, lockedUntil);
            consumer.Link.SendMessageNoWait(wire, new ArraySegment<byte>(token.ToByteArray()), AmqpConstants.NullBinary);
        }
        catch (Exception ex) when (ex is AmqpException or InvalidOperationException or ObjectDisposedException)
        {
            // The link went away under us: keep the message.
            if (consumer.SettleOnSend)
            {
                all[sequenceNumber] = message;
            }
            else
            {
                Unlock(message);
            }

            message.DeliveryCount--;
            MakeReady(message);
        }
    }

    private void Lock(StoredMessage message, Guid token, DateTime until, Consumer? owner)
    {
        message.LockToken = token;
        message.LockedUntil = until;
        message.LockOwner = owner;
        locks[token] = message;
    }

    private void Unlock(StoredMessage message)
    {
        locks.Remove(message.LockToken);
        message.LockToken = Guid.Empty;
        message.LockOwner = null;
    }

    public void OnDisposition(Consumer consumer, Delivery delivery)
    {
        DeliveryState? state = delivery.State;
        if (state is null || state.DescriptorCode == Received.Code)
        {
            return;
        }

        if (state is TransactionalState)
        {
            consumer.Link.DisposeDelivery(delivery, true, new Rejected
            {
                Error = new Error { Condition = AmqpErrorCode.NotImplemented, Description = "Transactions are not supported by the local Service Bus endpoint." },
            });
            return;
        }

        DeliveryState reply = AcceptedOutcome;
        ArraySegment<byte> tag = delivery.DeliveryTag;
        if (tag.Count == 16 && !consumer.SettleOnSend)
        {
            var token = new Guid(tag.AsSpan());
            lock (sync)
            {
                reply = SettleLocked(token, state, consumer) ?? (state is Modified ? state : AcceptedOutcome);
                Dispatch();
            }
        }

        if (!delivery.Settled)
        {
            consumer.Link.DisposeDelivery(delivery, true, reply);
        }
    }

    /// <summary>Applies a settlement; returns an error outcome, or null when it succeeded.</summary>
    private Rejected? SettleLocked(Guid token, DeliveryState state, Consumer? consumer)
    {
        if (consumer?.Session is { } session && session.Owner != consumer)
        {
            return LockLost(true);
        }

        if (!locks.TryGetValue(token, out StoredMessage? message))
        {
            return LockLost(consumer?.Session != null);
        }

        switch (state)
        {
            case Accepted:
                Complete(message);
                break;
            case Modified modified:
                Unlock(message);
                ApplyProperties(message, modified.MessageAnnotations);
                if (modified.UndeliverableHere == true)
                {
                    message.State = StoredMessageState.Deferred;
                }
                else
                {
                    ReturnAfterFailedDelivery(message);
                }

                break;
            case Rejected rejected:
                Unlock(message);
                string? reason = null;
                string? description = null;
                var properties = new List<KeyValuePair<string, object?>>();
                if (rejected.Error?.Info is { } info)
                {
                    foreach (KeyValuePair<MapKey, object> pair in info)
                    {
                        string key = pair.Key.Key?.ToString() ?? string.Empty;
                        if (key == AmqpNames.DeadLetterReason)
                        {
                            reason = pair.Value as string;
                        }
                        else if (key == AmqpNames.DeadLetterErrorDescription)
                        {
                            description = pair.Value as string;
                        }
                        else
                        {
                            properties.Add(new(key, pair.Value));
                        }
                    }
                }

                DeadLetter(message, reason, description, properties);
                break;
            case Released:
                Unlock(message);
                message.DeliveryCount = Math.Max(0, message.DeliveryCount - 1);
                ReturnToReadyOrDeferred(message);
                break;
            default:
                return new Rejected { Error = new Error { Condition = AmqpErrorCode.NotImplemented, Description = $"Unsupported delivery state {state}." } };
        }

        return null;
    }

    private static Rejected LockLost(bool session) => new()
    {
        Error = session
            ? new Error { Condition = AmqpNames.SessionLockLost, Description = "The session lock has expired or was lost; accept the session again." }
            : new Error { Condition = AmqpNames.MessageLockLost, Description = "The lock supplied is invalid: it expired, or the message was already settled or removed." },
    };

    private void Complete(StoredMessage message)
    {
        Unlock(message);
        all.Remove(message.SequenceNumber);
    }

    private static void ApplyProperties(StoredMessage message, Fields? properties)
    {
        if (properties is null || properties.Count == 0)
        {
            return;
        }

        var pairs = new List<KeyValuePair<string, object?>>();
        foreach (KeyValuePair<MapKey, object> pair in properties)
        {
            pairs.Add(new(pair.Key.Key?.ToString() ?? string.Empty, pair.Value));
        }

        message.Encoded = MessageCodec.Modify(message.Encoded, pairs);
    }

    private void ReturnToReadyOrDeferred(StoredMessage message)
    {
        if (message.State != StoredMessageState.Deferred)
        {
            MakeReady(message);
        }
    }

    /// <summary>After an abandon or a lock expiry: redeliver, or dead-letter once MaxDeliveryCount is reached.</summary>
    private void ReturnAfterFailedDelivery(StoredMessage message)
    {
        if (message.DeliveryCount >= MaxDeliveryCount)
        {
            DeadLetter(message, AmqpNames.ReasonMaxDeliveryCount,
                $"Message could not be consumed after {MaxDeliveryCount} delivery attempts.", Array.Empty<KeyValuePair<string, object?>>());
            return;
        }

        ReturnToReadyOrDeferred(message);
    }

    private void Expire(StoredMessage message)
    {
        if (Options.DeadLetterOnMessageExpiration && !IsDeadLetterQueue)
        {
            DeadLetter(message, AmqpNames.ReasonTtlExpired, "The message expired and was dead lettered.", Array.Empty<KeyValuePair<string, object?>>());
        }
        else
        {
            RemoveEverywhere(message);
        }
    }

    private void RemoveEverywhere(StoredMessage message)
    {
        all.Remove(message.SequenceNumber);
        ready.Remove(message.SequenceNumber);
        if (message.SessionId != null && sessions.TryGetValue(message.SessionId, out SessionState? session))
        {
            session.Ready.Remove(message.SequenceNumber);
        }

        if (message.IsLocked)
        {
            Unlock(message);
        }
    }

    private void DeadLetter(StoredMessage message, string? reason, string? description, IEnumerable<KeyValuePair<string, object?>> properties)
    {
        RemoveEverywhere(message);
        if (DeadLetterQueue is null)
        {
            return;
        }

        var applicationProperties = new List<KeyValuePair<string, object?>>(properties);
        if (reason != null)
        {
            applicationProperties.Add(new(AmqpNames.DeadLetterReason, reason));
        }

        if (description != null)
        {
            applicationProperties.Add(new(AmqpNames.DeadLetterErrorDescription, description));
        }

        byte[] encoded = MessageCodec.Modify(message.Encoded, applicationProperties,
            new[] { new KeyValuePair<string, object?>(AmqpNames.DeadLetterSource, Name) });
        var moved = new StoredMessage(encoded, new IncomingInfo(message.MessageId, message.SessionId, message.TimeToLive, null))
        {
            DeliveryCount = message.DeliveryCount,
            EnqueuedTime = message.EnqueuedTime,
        };
        DeadLetterQueue.AddDeadLettered(moved);
    }

    public void OnConsumerClosed(Consumer consumer)
    {
        lock (sync)
        {
            consumer.IsClosed = true;
            consumers.Remove(consumer);
            for (int i = pendingAccepts.Count - 1; i >= 0; i--)
            {
                if (pendingAccepts[i].Consumer == consumer)
                {
                    pendingAccepts[i].Completion.TrySetException(new AmqpException(AmqpErrorCode.DetachForced, "The link was closed."));
                    pendingAccepts.RemoveAt(i);
                }
            }

            if (consumer.Session is { } session && session.Owner == consumer)
            {
                ReleaseSession(session);
            }
            else
            {
                foreach (StoredMessage message in locks.Values.Where(m => m.LockOwner == consumer).ToList())
                {
                    Unlock(message);
                    ReturnToReadyOrDeferred(message);
                }
            }

            Dispatch();
        }
    }

    private void ReleaseSession(SessionState session)
    {
        session.Owner = null;
        foreach (StoredMessage message in locks.Values.Where(m => m.SessionId == session.Id && m.LockOwner != null).ToList())
        {
            Unlock(message);
            ReturnToReadyOrDeferred(message);
        }
    }

    // ---------------------------------------------------------------- sessions

    /// <summary>Accepts a named session, or the next session with messages (waiting up to <paramref name="wait"/>).</summary>
    public Task AcceptSessionAsync(Consumer consumer, string? sessionId, TimeSpan wait)
    {
        lock (sync)
        {
            DateTime now = DateTime.UtcNow;
            if (sessionId != null)
            {
                SessionState session = GetOrCreateSession(sessionId);
                if (session.Owner != null && !session.Owner.IsClosed)
                {
                    throw new AmqpException(AmqpNames.SessionCannotBeLocked,
                        $"The session '{sessionId}' is locked by another receiver.");
                }

                AssignSession(session, consumer, now);
                return Task.CompletedTask;
            }

            if (FindAvailableSession() is { } available)
            {
                AssignSession(available, consumer, now);
                return Task.CompletedTask;
            }

            var pending = new PendingAccept(consumer, now + wait);
            pendingAccepts.Add(pending);
            return pending.Completion.Task;
        }
    }

    private SessionState? FindAvailableSession()
    {
        SessionState? best = null;
        foreach (SessionState session in sessions.Values)
        {
            if (session.Owner == null && session.Ready.Count > 0 && (best == null || session.Ready.Min < best.Ready.Min))
            {
                best = session;
            }
        }

        return best;
    }

    private void AssignSession(SessionState session, Consumer consumer, DateTime now)
    {
        session.Owner = consumer;
        session.LockedUntil = now + Options.LockDuration;
        consumer.Session = session;
        AmqpLinkSettings settings = consumer.Link.Settings;
        if (settings.Source is Source source)
        {
            source.FilterSet ??= new FilterSet();
            source.FilterSet[new AmqpSymbol(AmqpNames.SessionFilter)] = session.Id;
        }

        settings.Properties ??= new Fields();
        settings.Properties[new AmqpSymbol(AmqpNames.LockedUntilUtc)] = session.LockedUntil.Ticks;
    }

    private void CompletePendingAccepts(DateTime now)
    {
        for (int i = 0; i < pendingAccepts.Count; i++)
        {
            PendingAccept pending = pendingAccepts[i];
            if (pending.Consumer.IsClosed)
            {
                pending.Completion.TrySetException(new AmqpException(AmqpErrorCode.DetachForced, "The link was closed."));
            }
            else if (FindAvailableSession() is { } session)
            {
                AssignSession(session, pending.Consumer, now);
                pending.Completion.TrySetResult();
            }
            else if (now >= pending.Deadline)
            {
                pending.Completion.TrySetException(new AmqpException(AmqpNames.Timeout,
                    $"No session with messages became available on '{Name}' within the wait time."));
            }
            else
            {
                continue;
            }

            pendingAccepts.RemoveAt(i);
            i--;
        }
    }

    public DateTime RenewSessionLock(string sessionId)
    {
        lock (sync)
        {
            SessionState session = OwnedSession(sessionId);
            session.LockedUntil = DateTime.UtcNow + Options.LockDuration;
            foreach (StoredMessage message in locks.Values.Where(m => m.SessionId == sessionId))
            {
                message.LockedUntil = session.LockedUntil;
            }

            return session.LockedUntil;
        }
    }

    public byte[]? GetSessionState(string sessionId)
    {
        lock (sync)
        {
            return OwnedSession(sessionId).State;
        }
    }

    public void SetSessionState(string sessionId, byte[]? state)
    {
        lock (sync)
        {
            OwnedSession(sessionId).State = state;
        }
    }

    private SessionState OwnedSession(string sessionId)
    {
        if (!sessions.TryGetValue(sessionId, out SessionState? session) || session.Owner is null || session.Owner.IsClosed)
        {
            throw new AmqpException(AmqpNames.SessionLockLost, $"The session lock for '{sessionId}' is not held; accept the session first.");
        }

        return session;
    }

    // ---------------------------------------------------------------- management

    public DateTime[] RenewLocks(IReadOnlyList<Guid> tokens)
    {
        lock (sync)
        {
            var result = new DateTime[tokens.Count];
            DateTime until = DateTime.UtcNow + Options.LockDuration;
            for (int i = 0; i < tokens.Count; i++)
            {
                if (!locks.TryGetValue(tokens[i], out StoredMessage? message))
                {
                    throw new AmqpException(AmqpNames.MessageLockLost, "The lock supplied is invalid: it expired, or the message was already settled or removed.");
                }

                message.LockedUntil = until;
                result[i] = until;
            }

            return result;
        }
    }

    public List<byte[]> Peek(long fromSequenceNumber, int count, string? sessionId)
    {
        lock (sync)
        {
            var result = new List<byte[]>();
            foreach (StoredMessage message in all.Values)
            {
                if (result.Count >= count)
                {
                    break;
                }

                if (message.SequenceNumber < fromSequenceNumber || (sessionId != null && message.SessionId != sessionId))
                {
                    continue;
                }

                result.Add(MessageCodec.Encode(MessageCodec.BuildOutgoing(message, message.IsLocked ? message.LockedUntil : null)));
            }

            return result;
        }
    }

    public List<(Guid LockToken, byte[] Message)> ReceiveDeferred(IReadOnlyList<long> sequenceNumbers, bool peekLock, string? sessionId)
    {
        lock (sync)
        {
            var found = new List<StoredMessage>();
            foreach (long number in sequenceNumbers)
            {
                if (!all.TryGetValue(number, out StoredMessage? message) || message.State != StoredMessageState.Deferred ||
                    message.IsLocked || (sessionId != null && message.SessionId != sessionId))
                {
                    throw new AmqpException(AmqpNames.MessageNotFound, $"No deferred message with sequence number {number} is available on '{Name}'.");
                }

                found.Add(message);
            }

            var result = new List<(Guid, byte[])>();
            DateTime now = DateTime.UtcNow;
            foreach (StoredMessage message in found)
            {
                message.DeliveryCount++;
                Guid token = Guid.NewGuid();
                DateTime? until = null;
                if (peekLock)
                {
                    until = now + Options.LockDuration;
                    Lock(message, token, until.Value, null);
                }
                else
                {
                    all.Remove(message.SequenceNumber);
                }

                result.Add((token, MessageCodec.Encode(MessageCodec.BuildOutgoing(message, until))));
            }

            return result;
        }
    }

    public void UpdateDisposition(IReadOnlyList<Guid> tokens, string status, string? reason, string? description, Fields? properties)
    {
        lock (sync)
        {
            foreach (Guid token in tokens)
            {
                DeliveryState state = status switch
                {
                    "completed" => new Accepted(),
                    "abandoned" => new Modified { MessageAnnotations = properties },
                    "defered" or "deferred" => new Modified { UndeliverableHere = true, MessageAnnotations = properties },
                    "suspended" => DeadLetterState(reason, description, properties),
                    _ => throw new AmqpException(AmqpErrorCode.InvalidField, $"Unknown disposition-status '{status}'."),
                };
                if (SettleLocked(token, state, null) is { } error)
                {
                    throw new AmqpException(error.Error);
                }
            }

            Dispatch();
        }
    }

    private static Rejected DeadLetterState(string? reason, string? description, Fields? properties)
    {
        var info = new Fields();
        if (properties != null)
        {
            foreach (KeyValuePair<MapKey, object> pair in properties)
            {
                info[new AmqpSymbol(pair.Key.Key?.ToString() ?? string.Empty)] = pair.Value;
            }
        }

        if (reason != null)
        {
            info[new AmqpSymbol(AmqpNames.DeadLetterReason)] = reason;
        }

        if (description != null)
        {
            info[new AmqpSymbol(AmqpNames.DeadLetterErrorDescription)] = description;
        }

        return new Rejected { Error = new Error { Condition = AmqpNames.DeadLetterCondition, Info = info } };
    }

    // ---------------------------------------------------------------- time-driven work

    /// <summary>Called periodically: lock expiry, scheduled activation, session lock expiry, waiting session accepts.</summary>
    public void Tick()
    {
        lock (sync)
        {
            DateTime now = DateTime.UtcNow;
            if (locks.Count > 0)
            {
                foreach (StoredMessage message in locks.Values.Where(m => m.LockedUntil <= now && !(RequiresSession && m.LockOwner != null)).ToList())
                {
                    Unlock(message);
                    ReturnAfterFailedDelivery(message);
                }
            }

            if (scheduled.Count > 0)
            {
                foreach (StoredMessage message in scheduled.Where(m => m.ScheduledEnqueueTime <= now).OrderBy(m => m.SequenceNumber).ToList())
                {
                    scheduled.Remove(message);
                    Activate(message, now);
                }
            }

            if (RequiresSession)
            {
                foreach (SessionState session in sessions.Values)
                {
                    // Like Azure, the link stays attached; its settlements and session operations now fail
                    // with session-lock-lost and the session can be accepted by another receiver.
                    if (session.Owner != null && session.LockedUntil <= now)
                    {
                        ReleaseSession(session);
                    }
                }
            }

            Dispatch();
        }

        DeadLetterQueue?.Tick();
    }

    public void CloseAllConsumers()
    {
        List<Consumer> snapshot;
        lock (sync)
        {
            snapshot = consumers.ToList();
            foreach (PendingAccept pending in pendingAccepts)
            {
                pending.Completion.TrySetException(new AmqpException(AmqpErrorCode.DetachForced, "The endpoint is stopping."));
            }

            pendingAccepts.Clear();
        }

        foreach (Consumer consumer in snapshot)
        {
            consumer.Link.SafeClose();
        }
    }

    private sealed class PendingAccept
    {
        public PendingAccept(Consumer consumer, DateTime deadline)
        {
            Consumer = consumer;
            Deadline = deadline;
        }

        public Consumer Consumer { get; }

        public DateTime Deadline { get; }

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
