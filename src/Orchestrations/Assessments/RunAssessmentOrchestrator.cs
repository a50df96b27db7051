using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using MigrateHub.Shared.Assessments;

namespace MigrateHub.Orchestrations.Assessments;

/// <summary>
/// One computation of an assessment: resolve the group into batches, assess the batches in parallel
/// (one activity per batch of <see cref="AssessmentRunRequest.BatchSize"/> servers, each reading its
/// servers and performance, running the engine and writing its results; at most
/// <see cref="AssessmentRunRequest.BatchesInFlight"/> at a time), then record the totals.
/// The history holds two events per batch plus a handful, whatever the number of servers. Instance
/// id: <see cref="AssessmentKeys.InstanceId"/> (a restart after completion recomputes).
/// </summary>
public sealed class RunAssessmentOrchestrator : TaskOrchestrator<AssessmentRunRequest, AssessmentRunResult>
{
    /// <inheritdoc />
    public override async Task<AssessmentRunResult> RunAsync(TaskOrchestrationContext context, AssessmentRunRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var log = context.CreateReplaySafeLogger<RunAssessmentOrchestrator>();
        try
        {
            context.SetCustomStatus(new AssessmentRunStatus("Preparing", input.RunId, 0, 0));
            var prepared = await context.CallActivityAsync<PreparedAssessment>(nameof(PrepareAssessmentActivity), input, Retries.Transient);

            context.SetCustomStatus(new AssessmentRunStatus("Assessing", input.RunId, prepared.Machines, prepared.Batches));
            var results = await AssessBatchesAsync(context, input, prepared);
            var summary = results.Aggregate(
                AssessmentSummary.Empty(prepared.Currency) with { MachinesNotFound = prepared.MachinesNotFound },
                (total, batch) => total.Add(batch));

            context.SetCustomStatus(new AssessmentRunStatus("Completing", input.RunId, prepared.Machines, prepared.Batches, prepared.Batches));
            var state = await context.CallActivityAsync<string>(
                nameof(CompleteAssessmentActivity), new CompleteAssessmentRequest(input, summary, prepared.DataVersion, null), Retries.Transient);
            context.SetCustomStatus(new AssessmentRunStatus(state, input.RunId, summary.Machines, prepared.Batches, prepared.Batches));
            log.LogInformation("Assessment run {RunId} of {Group}/{Assessment}: {Machines} machines, {State}", input.RunId, input.Group, input.Assessment, summary.Machines, state);
            return new AssessmentRunResult(state, summary);
        }
        catch (TaskFailedException ex)
        {
            var error = ex.FailureDetails.ErrorMessage;
            log.LogWarning("Assessment run {RunId} of {Group}/{Assessment} failed: {Error}", input.RunId, input.Group, input.Assessment, error);
            await context.CallActivityAsync<string>(nameof(CompleteAssessmentActivity), new CompleteAssessmentRequest(input, null, null, error), Retries.Transient);
            context.SetCustomStatus(new AssessmentRunStatus(AssessmentStatuses.Failed, input.RunId, 0, 0));
            return new AssessmentRunResult(AssessmentStatuses.Failed, null);
        }
    }

    /// <summary>
    /// One activity per batch, at most <see cref="AssessmentRunRequest.BatchesInFlight"/> at a time (a
    /// new one starts as one ends); the summaries in batch order. The first failure ends the wait.
    /// </summary>
    private static async Task<AssessmentSummary[]> AssessBatchesAsync(TaskOrchestrationContext context, AssessmentRunRequest input, PreparedAssessment prepared)
    {
        var results = new AssessmentSummary[prepared.Batches];
        var inFlight = input.BatchesInFlight <= 0 ? prepared.Batches : input.BatchesInFlight;
        var running = new Dictionary<Task<AssessmentSummary>, int>();
        var next = 0;
        var done = 0;
        while (done < prepared.Batches)
        {
            while (next < prepared.Batches && running.Count < inFlight)
            {
                running.Add(context.CallActivityAsync<AssessmentSummary>(nameof(AssessMachinesActivity), new AssessBatchRequest(input, next), Retries.Transient), next);
                next++;
            }

            var finished = await Task.WhenAny(running.Keys);
            results[running[finished]] = await finished;
            running.Remove(finished);
            done++;
            context.SetCustomStatus(new AssessmentRunStatus("Assessing", input.RunId, prepared.Machines, prepared.Batches, done));
        }

        return results;
    }
}

/// <summary>Custom status of a computation.</summary>
/// <param name="Stage">Preparing, Assessing, Completing, Completed, Failed or Superseded.</param>
/// <param name="RunId">Computation id.</param>
/// <param name="Machines">Servers being assessed.</param>
/// <param name="Batches">Activities fanned out.</param>
/// <param name="BatchesDone">Activities completed.</param>
public sealed record AssessmentRunStatus(string Stage, string RunId, int Machines, int Batches, int BatchesDone = 0);

/// <summary>Output of a computation.</summary>
/// <param name="State">Completed, Failed or Superseded (a newer computation was started meanwhile).</param>
/// <param name="Summary">Totals (null when it failed).</param>
public sealed record AssessmentRunResult(string State, AssessmentSummary? Summary);

/// <summary>Resolves the group and writes the batches (idempotent: rewrites the same rows).</summary>
public sealed class PrepareAssessmentActivity(AssessmentRunner runner) : TaskActivity<AssessmentRunRequest, PreparedAssessment>
{
    /// <inheritdoc />
    public override Task<PreparedAssessment> RunAsync(TaskActivityContext context, AssessmentRunRequest input) =>
        runner.PrepareAsync(input, CancellationToken.None);
}

/// <summary>Assesses one batch and writes its machines (idempotent: upserts by server id); returns the batch's totals.</summary>
public sealed class AssessMachinesActivity(AssessmentRunner runner) : TaskActivity<AssessBatchRequest, AssessmentSummary>
{
    /// <inheritdoc />
    public override Task<AssessmentSummary> RunAsync(TaskActivityContext context, AssessBatchRequest input) =>
        runner.AssessBatchAsync(input, CancellationToken.None);
}

/// <summary>Records the end of a computation (summary or error) and removes older computations' data.</summary>
public sealed class CompleteAssessmentActivity(AssessmentRunner runner, TimeProvider clock) : TaskActivity<CompleteAssessmentRequest, string>
{
    /// <inheritdoc />
    public override Task<string> RunAsync(TaskActivityContext context, CompleteAssessmentRequest input) =>
        runner.CompleteAsync(input, clock.GetUtcNow(), CancellationToken.None);
}
