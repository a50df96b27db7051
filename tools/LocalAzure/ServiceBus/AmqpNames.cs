namespace MigrateHub.LocalAzure.ServiceBus;

/// <summary>Names Azure Service Bus uses on the wire (symbols, annotation keys, management operations).</summary>
internal static class AmqpNames
{
    public const uint BatchMessageFormat = 0x80013700;

    public const string SequenceNumber = "x-opt-sequence-number";
    public const string EnqueuedTime = "x-opt-enqueued-time";
    public const string LockedUntil = "x-opt-locked-until";
    public const string ScheduledEnqueueTime = "x-opt-scheduled-enqueue-time";
    public const string DeadLetterSource = "x-opt-deadletter-source";
    public const string MessageState = "x-opt-message-state";

    public const string DeadLetterReason = "DeadLetterReason";
    public const string DeadLetterErrorDescription = "DeadLetterErrorDescription";

    public const string SessionFilter = "com.microsoft:session-filter";
    public const string LockedUntilUtc = "com.microsoft:locked-until-utc";
    public const string ServerTimeout = "com.microsoft:timeout";

    public const string DeadLetterQueueSuffix = "/$DeadLetterQueue";
    public const string ManagementSuffix = "/$management";
    public const string CbsNode = "$cbs";

    // error conditions
    public const string DeadLetterCondition = "com.microsoft:dead-letter";
    public const string MessageLockLost = "com.microsoft:message-lock-lost";
    public const string SessionLockLost = "com.microsoft:session-lock-lost";
    public const string SessionCannotBeLocked = "com.microsoft:session-cannot-be-locked";
    public const string Timeout = "com.microsoft:timeout";
    public const string MessageNotFound = "com.microsoft:message-not-found";
    public const string ArgumentError = "com.microsoft:argument-error";

    // management operations
    public const string OpRenewLock = "com.microsoft:renew-lock";
    public const string OpPeek = "com.microsoft:peek-message";
    public const string OpSchedule = "com.microsoft:schedule-message";
    public const string OpCancelScheduled = "com.microsoft:cancel-scheduled-message";
    public const string OpReceiveBySequenceNumber = "com.microsoft:receive-by-sequence-number";
    public const string OpUpdateDisposition = "com.microsoft:update-disposition";
    public const string OpRenewSessionLock = "com.microsoft:renew-session-lock";
    public const string OpGetSessionState = "com.microsoft:get-session-state";
    public const string OpSetSessionState = "com.microsoft:set-session-state";

    public const string ReasonMaxDeliveryCount = "MaxDeliveryCountExceeded";
    public const string ReasonTtlExpired = "TTLExpiredException";
}
