namespace MigrateHub.Shared.Provisioning;

/// <summary>Why provisioning failed.</summary>
public enum ProvisioningFailureKind
{
    /// <summary>Not classified.</summary>
    Unknown,

    /// <summary>Regional or family vCPU quota would be exceeded.</summary>
    QuotaExceeded,

    /// <summary>Azure rejected the request (invalid size, name, parameter, reference).</summary>
    InvalidRequest,

    /// <summary>Something the request needs (resource group, network, seed disk) does not exist.</summary>
    NotFound,

    /// <summary>A conflict with existing state (disk owned by another VM, resource in use).</summary>
    Conflict,

    /// <summary>Throttling or server errors that persisted after retries.</summary>
    Transient,

    /// <summary>Azure accepted the request but had no capacity (AllocationFailed, SkuNotAvailable, ...): retry later or change size/zone.</summary>
    CapacityUnavailable,
}

/// <summary>A provisioning step failed; carries Azure's error code and message. Resources this call created were rolled back.</summary>
public sealed class ProvisioningException : Exception
{
    /// <summary>Creates an exception without details.</summary>
    public ProvisioningException()
        : this("Provisioning failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ProvisioningException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public ProvisioningException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = "Unknown";
        ArmMessage = message;
    }

    /// <summary>Creates an exception from an ARM error.</summary>
    public ProvisioningException(ProvisioningFailureKind kind, string errorCode, string armMessage, int status, string? resourceId, string operation, Exception? innerException = null)
        : base($"{operation} failed: {errorCode} ({Describe(kind)}, HTTP {status}): {armMessage}", innerException)
    {
        Kind = kind;
        ErrorCode = errorCode;
        ArmMessage = armMessage;
        Status = status;
        ResourceId = resourceId;
    }

    /// <summary>Classification of the failure.</summary>
    public ProvisioningFailureKind Kind { get; }

    /// <summary>ARM error code, e.g. OperationNotAllowed, InvalidParameter.</summary>
    public string ErrorCode { get; }

    /// <summary>ARM error message as Azure returned it.</summary>
    public string ArmMessage { get; }

    /// <summary>HTTP status (0 when not from an HTTP response).</summary>
    public int Status { get; }

    /// <summary>Resource the failing call addressed.</summary>
    public string? ResourceId { get; }

    /// <summary>Resources created by the call that rollback could not delete (normally empty).</summary>
    public IReadOnlyList<string> LeftoverResourceIds { get; init; } = [];

    /// <summary>
    /// Whether a failure message (this exception's <see cref="Exception.Message"/>, as an orchestration sees it after the
    /// activity failed) names a kind that retrying cannot fix: quota exceeded or a request Azure rejected. Those need a
    /// quota increase or other settings first; retrying would only create and roll back the same resources again.
    /// </summary>
    public static bool IsPermanentMessage(string? message) =>
        message is not null && PermanentKinds.Any(k => message.Contains($"({Describe(k)}, HTTP ", StringComparison.Ordinal));

    private static readonly ProvisioningFailureKind[] PermanentKinds = [ProvisioningFailureKind.QuotaExceeded, ProvisioningFailureKind.InvalidRequest];

    private static string Describe(ProvisioningFailureKind kind) => kind switch
    {
        ProvisioningFailureKind.QuotaExceeded => "quota exceeded",
        ProvisioningFailureKind.InvalidRequest => "invalid request",
        ProvisioningFailureKind.NotFound => "not found",
        ProvisioningFailureKind.Conflict => "conflict",
        ProvisioningFailureKind.Transient => "transient, retries exhausted",
        ProvisioningFailureKind.CapacityUnavailable => "capacity unavailable",
        _ => "failed",
    };
}
