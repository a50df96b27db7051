using Microsoft.DurableTask;

namespace MigrateHub.Functions.Durable;

/// <summary>The activity context handed to activity classes when they run inside Azure Functions.</summary>
internal sealed class FunctionsActivityContext(string name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}
