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
}
