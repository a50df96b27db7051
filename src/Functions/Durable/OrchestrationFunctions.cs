using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Orchestrations.Projects;
using MigrateHub.Shared.Projects;

namespace MigrateHub.Functions.Durable;

/// <summary>
/// Exposes the portable orchestrator and activity classes of MigrateHub.Orchestrations as functions
/// (Microsoft.DurableTask.Generators, which would write these, is not available). Each function has
/// the name of its class, so the same names work in Azure and in the DevHost.
/// </summary>
public static class OrchestrationFunctions
{
    /// <summary>Wrapper of <see cref="ProvisionProjectOrchestrator"/>.</summary>
    [Function(nameof(ProvisionProjectOrchestrator))]
    public static Task<ProvisionProjectResult> ProvisionProject(
        [OrchestrationTrigger] TaskOrchestrationContext context, ProvisionProjectRequest input) =>
        new ProvisionProjectOrchestrator().RunAsync(context, input);

    /// <summary>Wrapper of <see cref="CreateProjectResourcesActivity"/>.</summary>
    [Function(nameof(CreateProjectResourcesActivity))]
    public static Task<bool> CreateProjectResources([ActivityTrigger] ProvisionProjectRequest input, FunctionContext context) =>
        Activity<CreateProjectResourcesActivity>(context).RunAsync(Context(context, nameof(CreateProjectResourcesActivity)), input);

    /// <summary>Wrapper of <see cref="CompleteProjectProvisioningActivity"/>.</summary>
    [Function(nameof(CompleteProjectProvisioningActivity))]
    public static Task<string> CompleteProjectProvisioning([ActivityTrigger] ProvisionProjectRequest input, FunctionContext context) =>
        Activity<CompleteProjectProvisioningActivity>(context).RunAsync(Context(context, nameof(CompleteProjectProvisioningActivity)), input);

    /// <summary>Wrapper of <see cref="MachineLifecycleOrchestrator"/>.</summary>
    [Function(nameof(MachineLifecycleOrchestrator))]
    public static Task<string> MachineLifecycle(
        [OrchestrationTrigger] TaskOrchestrationContext context, MachineLifecycleRequest input) =>
        new MachineLifecycleOrchestrator().RunAsync(context, input);

    private static T Activity<T>(FunctionContext context) where T : class =>
        ActivatorUtilities.CreateInstance<T>(context.InstanceServices);

    private static FunctionsActivityContext Context(FunctionContext context, string name) =>
        new(name, context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? string.Empty : string.Empty);
}
