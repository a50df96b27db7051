using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using MigrateHub.Orchestrations.Assessments;
using MigrateHub.Orchestrations.Machines;
using MigrateHub.Orchestrations.Projects;
using MigrateHub.Shared.Assessments;
using MigrateHub.Shared.Migration;
using MigrateHub.Shared.Provisioning;
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

    /// <summary>Wrapper of <see cref="CreateSeedDisksActivity"/>.</summary>
    [Function(nameof(CreateSeedDisksActivity))]
    public static Task<MachineDisks> CreateSeedDisks([ActivityTrigger] ProvisionStepRequest input, FunctionContext context) =>
        Activity<CreateSeedDisksActivity>(context).RunAsync(Context(context, nameof(CreateSeedDisksActivity)), input);

    /// <summary>Wrapper of <see cref="CreateTestMigrationActivity"/>.</summary>
    [Function(nameof(CreateTestMigrationActivity))]
    public static Task<ProvisionedResources> CreateTestMigration([ActivityTrigger] ProvisionStepRequest input, FunctionContext context) =>
        Activity<CreateTestMigrationActivity>(context).RunAsync(Context(context, nameof(CreateTestMigrationActivity)), input);

    /// <summary>Wrapper of <see cref="CleanupTestMigrationActivity"/>.</summary>
    [Function(nameof(CleanupTestMigrationActivity))]
    public static Task<CleanupResult> CleanupTestMigration([ActivityTrigger] TargetSettings input, FunctionContext context) =>
        Activity<CleanupTestMigrationActivity>(context).RunAsync(Context(context, nameof(CleanupTestMigrationActivity)), input);

    /// <summary>Wrapper of <see cref="CreateCutoverActivity"/>.</summary>
    [Function(nameof(CreateCutoverActivity))]
    public static Task<ProvisionedResources> CreateCutover([ActivityTrigger] ProvisionStepRequest input, FunctionContext context) =>
        Activity<CreateCutoverActivity>(context).RunAsync(Context(context, nameof(CreateCutoverActivity)), input);

    /// <summary>Wrapper of <see cref="DeleteSeedDisksActivity"/>.</summary>
    [Function(nameof(DeleteSeedDisksActivity))]
    public static Task<CleanupResult> DeleteSeedDisks([ActivityTrigger] ProvisionStepRequest input, FunctionContext context) =>
        Activity<DeleteSeedDisksActivity>(context).RunAsync(Context(context, nameof(DeleteSeedDisksActivity)), input);

    /// <summary>Wrapper of <see cref="RecordMigrationActivity"/>.</summary>
    [Function(nameof(RecordMigrationActivity))]
    public static Task<bool> RecordMigration([ActivityTrigger] MigrationRecordRequest input, FunctionContext context) =>
        Activity<RecordMigrationActivity>(context).RunAsync(Context(context, nameof(RecordMigrationActivity)), input);

    /// <summary>Wrapper of <see cref="AcquireReplicationSlotActivity"/>.</summary>
    [Function(nameof(AcquireReplicationSlotActivity))]
    public static Task<SlotAnswer> AcquireReplicationSlot([ActivityTrigger] SlotRequest input, FunctionContext context) =>
        Activity<AcquireReplicationSlotActivity>(context).RunAsync(Context(context, nameof(AcquireReplicationSlotActivity)), input);

    /// <summary>Wrapper of <see cref="ReleaseReplicationSlotActivity"/>.</summary>
    [Function(nameof(ReleaseReplicationSlotActivity))]
    public static Task<IReadOnlyList<string>> ReleaseReplicationSlot([ActivityTrigger] SlotRequest input, FunctionContext context) =>
        Activity<ReleaseReplicationSlotActivity>(context).RunAsync(Context(context, nameof(ReleaseReplicationSlotActivity)), input);

    /// <summary>Wrapper of <see cref="RunAssessmentOrchestrator"/>.</summary>
    [Function(nameof(RunAssessmentOrchestrator))]
    public static Task<AssessmentRunResult> RunAssessment(
        [OrchestrationTrigger] TaskOrchestrationContext context, AssessmentRunRequest input) =>
        new RunAssessmentOrchestrator().RunAsync(context, input);

    /// <summary>Wrapper of <see cref="PrepareAssessmentActivity"/>.</summary>
    [Function(nameof(PrepareAssessmentActivity))]
    public static Task<PreparedAssessment> PrepareAssessment([ActivityTrigger] AssessmentRunRequest input, FunctionContext context) =>
        Activity<PrepareAssessmentActivity>(context).RunAsync(Context(context, nameof(PrepareAssessmentActivity)), input);

    /// <summary>Wrapper of <see cref="AssessMachinesActivity"/>.</summary>
    [Function(nameof(AssessMachinesActivity))]
    public static Task<AssessmentSummary> AssessMachines([ActivityTrigger] AssessBatchRequest input, FunctionContext context) =>
        Activity<AssessMachinesActivity>(context).RunAsync(Context(context, nameof(AssessMachinesActivity)), input);

    /// <summary>Wrapper of <see cref="CompleteAssessmentActivity"/>.</summary>
    [Function(nameof(CompleteAssessmentActivity))]
    public static Task<string> CompleteAssessment([ActivityTrigger] CompleteAssessmentRequest input, FunctionContext context) =>
        Activity<CompleteAssessmentActivity>(context).RunAsync(Context(context, nameof(CompleteAssessmentActivity)), input);

    private static T Activity<T>(FunctionContext context) where T : class =>
        ActivatorUtilities.CreateInstance<T>(context.InstanceServices);

    private static FunctionsActivityContext Context(FunctionContext context, string name) =>
        new(name, context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() ?? string.Empty : string.Empty);
}
