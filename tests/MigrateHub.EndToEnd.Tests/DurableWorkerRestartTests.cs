using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MigrateHub.DevHost;

namespace MigrateHub.EndToEnd.Tests;

/// <summary>An orchestration that waits on a durable timer, then runs an activity.</summary>
public sealed class WaitThenEchoOrchestrator : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int seconds)
    {
        context.SetCustomStatus("waiting");
        await context.CreateTimer(TimeSpan.FromSeconds(seconds), CancellationToken.None);
        context.SetCustomStatus("woke");
        return await context.CallActivityAsync<string>(nameof(EchoActivity), context.InstanceId);
    }
}

/// <summary>Returns its input with a prefix.</summary>
public sealed class EchoActivity : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult("echo:" + input);
}

public sealed class WorkerRestartFixture : DevHostFixture
{
    protected override void Configure(DevHostOptions options)
    {
        options.Regions.Add("westeurope");
        options.ExtraDurableTypes.Add(typeof(WaitThenEchoOrchestrator));
        options.ExtraDurableTypes.Add(typeof(EchoActivity));
    }
}

public sealed class DurableWorkerRestartTests(WorkerRestartFixture fixture) : IClassFixture<WorkerRestartFixture>
{
    [Fact]
    public async Task An_instance_waiting_on_a_durable_timer_completes_on_a_new_worker_after_the_old_one_stopped()
    {
        var hub = fixture.Host.Hubs["westeurope"];
        var instanceId = "restart-" + Guid.NewGuid().ToString("N");
        await hub.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitThenEchoOrchestrator), 8, new StartOrchestrationOptions(instanceId));

        // Wait until the orchestration is parked on its timer.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        OrchestrationMetadata? metadata;
        do
        {
            await Task.Delay(200, timeout.Token);
            metadata = await hub.Client.GetInstanceAsync(instanceId, timeout.Token);
        }
        while (metadata?.SerializedCustomStatus != "\"waiting\"");

        await hub.StopWorkerAsync();
        Assert.False(hub.WorkerRunning);

        // Nothing runs the instance while no worker is up.
        await Task.Delay(TimeSpan.FromSeconds(9), timeout.Token);
        var stalled = await hub.Client.GetInstanceAsync(instanceId, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Running, stalled!.RuntimeStatus);

        await hub.StartWorkerAsync();
        var done = await hub.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("echo:" + instanceId, done.ReadOutputAs<string>());
        Assert.Equal("woke", done.ReadCustomStatusAs<string>());
    }
}
