using Microsoft.DurableTask;

namespace MigrateHub.Orchestrations;

/// <summary>Retry policies for activity calls, declared in one place.</summary>
public static class Retries
{
    /// <summary>
    /// Storage and Azure calls: transient faults and short regional outages are retried with
    /// exponential backoff (about 2 minutes in all).
    /// </summary>
    public static TaskOptions Transient { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromSeconds(60)));

    /// <summary>
    /// Provisioning calls: as <see cref="Transient"/>, except failures that retrying cannot fix (quota exceeded, a
    /// request Azure rejected), which fail at once with Azure's reason instead of creating and rolling back the same
    /// resources six times.
    /// </summary>
    public static TaskOptions Provisioning { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromSeconds(60))
        {
            HandleFailure = failure => !(failure.IsCausedBy<Shared.Provisioning.ProvisioningException>()
                && Shared.Provisioning.ProvisioningException.IsPermanentMessage(failure.ErrorMessage)),
        });
}
