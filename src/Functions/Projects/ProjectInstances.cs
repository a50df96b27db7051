using Microsoft.DurableTask.Client;

namespace MigrateHub.Functions.Projects;

/// <summary>Orchestration instances of a project: every instance id starts with "{projectId}:".</summary>
public static class ProjectInstances
{
    /// <summary>Terminates the project's running instances and purges all of their history.</summary>
    public static async Task<int> TerminateAndPurgeAsync(DurableTaskClient durable, string projectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var query = new OrchestrationQuery { InstanceIdPrefix = projectId + ":", FetchInputsAndOutputs = false };
        var ids = new List<(string Id, bool Running)>();
        await foreach (var instance in durable.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            ids.Add((instance.InstanceId, !instance.IsCompleted));
        }

        foreach (var (id, running) in ids.Where(i => i.Running))
        {
            await durable.TerminateInstanceAsync(id, "Project deleted.", cancellationToken);
        }

        foreach (var (id, running) in ids.Where(i => i.Running))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await durable.WaitForInstanceCompletionAsync(id, timeout.Token);
        }

        var purged = 0;
        foreach (var (id, _) in ids)
        {
            var result = await durable.PurgeInstanceAsync(id, cancellationToken);
            purged += result.PurgedInstanceCount;
        }

        return purged;
    }
}
