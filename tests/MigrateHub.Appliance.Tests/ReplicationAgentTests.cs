using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using MigrateHub.Appliance.Replication;
using static MigrateHub.Appliance.Tests.ReplicationModelTests;

namespace MigrateHub.Appliance.Tests;

/// <summary>A hub in memory: pending work items, reports (answered as told), heartbeats.</summary>
internal sealed class FakeHub : IWorkItemHub
{
    public List<PulledWorkItem> Pending { get; } = [];

    public ConcurrentQueue<(string Id, bool Succeeded, string? Error, long Bytes)> Reports { get; } = new();

    public Func<string, ReportOutcome> Answer { get; set; } = _ => ReportOutcome.Accepted;

    public ConcurrentQueue<(string Id, long Bytes, long Total)> Progress { get; } = new();

    public Func<string, ReportOutcome> ProgressAnswer { get; set; } = _ => ReportOutcome.Accepted;

    public Exception? PullFailure { get; set; }

    public int Heartbeats { get; private set; }

    public int Pulls { get; private set; }

    public Task<IReadOnlyList<PulledWorkItem>> PullAsync(int max, CancellationToken cancellationToken)
    {
        Pulls++;
        if (PullFailure is { } failure)
        {
            throw failure;
        }

        lock (Pending)
        {
            return Task.FromResult<IReadOnlyList<PulledWorkItem>>(Pending.Take(max).ToList());
        }
    }

    public Task<ReportOutcome> ReportAsync(string workItemId, bool succeeded, string? error, long bytesTransferred, CancellationToken cancellationToken)
    {
        var outcome = Answer(workItemId);
        Reports.Enqueue((workItemId, succeeded, error, bytesTransferred));
        if (outcome == ReportOutcome.Accepted)
        {
            lock (Pending)
            {
                Pending.RemoveAll(p => p.Id == workItemId);
            }
        }

        return Task.FromResult(outcome);
    }

    public Task<ReportOutcome> ProgressAsync(string workItemId, long bytesTransferred, long totalBytes, CancellationToken cancellationToken)
    {
        Progress.Enqueue((workItemId, bytesTransferred, totalBytes));
        return Task.FromResult(ProgressAnswer(workItemId));
    }

    public Task HeartbeatAsync(int discoveredServers, CancellationToken cancellationToken)
    {
        Heartbeats++;
        return Task.CompletedTask;
    }
}

public sealed class ReplicationAgentTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeHub _hub = new();

    // 800 Mbit/s = 100 MB/s; a 10 GB disk seeds 7.5 GB in 75 s.
    private ReplicationAgent Agent(AgentOptions? options = null) => new(
        _hub, [Server("a", 10), Server("b", 10)], new ReplicationOptions { BandwidthMbps = 800, MinimumDeltaBytes = 100_000_000, ChurnPercentPerHour = 0 },
        options ?? new AgentOptions { PollInterval = TimeSpan.FromSeconds(5), HeartbeatInterval = TimeSpan.FromSeconds(60) }, _time);

    private async Task RunForAsync(ReplicationAgent agent, TimeSpan span, TimeSpan? step = null)
    {
        var end = _time.GetUtcNow() + span;
        while (_time.GetUtcNow() < end)
        {
            await agent.StepAsync(CancellationToken.None);
            _time.Advance(step ?? TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task Pulled_work_is_replicated_and_reported_once_with_the_bytes_copied()
    {
        _hub.Pending.Add(new PulledWorkItem("a-0-InitialSeed", "a", "InitialSeed", 0));
        var agent = Agent();
        var events = new List<AgentEvent>();
        agent.Changed += events.Add;

        await RunForAsync(agent, TimeSpan.FromSeconds(60));
        Assert.Empty(_hub.Reports);
        // 59 s of 100 MB/s out of 7 GiB.
        Assert.Equal(78, Math.Round(agent.Status().Active.Single().Percent));

        await RunForAsync(agent, TimeSpan.FromSeconds(60));
        var report = Assert.Single(_hub.Reports);
        Assert.Equal(("a-0-InitialSeed", true, (string?)null, (long)(7 * 1024L * 1024 * 1024)), report);
        Assert.Empty(agent.Status().Active);
        Assert.Equal(1, agent.Status().CompletedByKind["InitialSeed"]);
        Assert.Equal(["Started", "Heartbeat", "Heartbeat", "Reported"], events.Select(e => e.Kind));

        // The hub no longer lists it; a stale listing of it (a pull racing the report) does not start it again.
        _hub.Pending.Add(new PulledWorkItem("a-0-InitialSeed", "a", "InitialSeed", 0));
        await RunForAsync(agent, TimeSpan.FromSeconds(10));
        Assert.Empty(agent.Status().Active);
        Assert.Single(_hub.Reports);
    }

    [Fact]
    public async Task A_seed_reports_its_progress_at_each_step_with_growing_bytes_before_its_report_and_deltas_do_not()
    {
        _hub.Pending.Add(new PulledWorkItem("a-0-InitialSeed", "a", "InitialSeed", 0));
        _hub.Pending.Add(new PulledWorkItem("b-1-Delta", "b", "Delta", 1));
        var agent = Agent(new AgentOptions { PollInterval = TimeSpan.FromSeconds(5), ProgressPercentStep = 10, ProgressInterval = TimeSpan.FromSeconds(1) });

        // 7 GiB at 100 MB/s (shared with the 100 MB delta for its first second): about 76 s.
        await RunForAsync(agent, TimeSpan.FromSeconds(120));
        var total = 7 * 1024L * 1024 * 1024;
        var progress = _hub.Progress.ToList();
        Assert.All(progress, p => Assert.Equal(("a-0-InitialSeed", total), (p.Id, p.Total)));
        // One report per 10 % crossed (10 % .. 90 %), bytes growing, each in a new step.
        Assert.Equal(Enumerable.Range(1, 9), progress.Select(p => (int)(p.Bytes * 10 / total)));
        Assert.True(progress.Zip(progress.Skip(1)).All(x => x.First.Bytes < x.Second.Bytes));
        Assert.All(progress, p => Assert.InRange(p.Bytes, 1, total - 1));
        Assert.Equal(9, agent.Status().ProgressReports);
        Assert.Equal(0, agent.Status().ProgressErrors);
        Assert.Equal(["b-1-Delta", "a-0-InitialSeed"], _hub.Reports.Select(r => r.Id));
    }

    [Fact]
    public async Task Progress_the_hub_cannot_take_is_counted_and_a_seed_the_hub_answers_cancelled_stops_at_once()
    {
        _hub.Pending.Add(new PulledWorkItem("a-0-InitialSeed", "a", "InitialSeed", 0));
        _hub.Pending.Add(new PulledWorkItem("b-0-InitialSeed", "b", "InitialSeed", 0));
        _hub.ProgressAnswer = id => id.StartsWith('a') ? ReportOutcome.Retry : ReportOutcome.Gone;
        // Pulls far apart: only the progress answer can stop b before the next pull.
        var agent = Agent(new AgentOptions { PollInterval = TimeSpan.FromMinutes(10), ProgressPercentStep = 5, ProgressInterval = TimeSpan.FromSeconds(1) });
        var events = new List<AgentEvent>();
        agent.Changed += events.Add;

        await RunForAsync(agent, TimeSpan.FromSeconds(20));
        Assert.Equal(1, agent.Status().Cancelled);
        Assert.Equal("a-0-InitialSeed", agent.Status().Active.Single().WorkItemId);
        Assert.Single(events, e => e.Kind == "Cancelled" && e.Transfer!.WorkItemId == "b-0-InitialSeed");
        Assert.Single(_hub.Progress, p => p.Id == "b-0-InitialSeed");
        Assert.True(agent.Status().ProgressErrors >= 2, $"{agent.Status().ProgressErrors} progress errors");
        Assert.Equal(0, agent.Status().ProgressReports);

        await RunForAsync(agent, TimeSpan.FromSeconds(120));
        Assert.Equal(["a-0-InitialSeed"], _hub.Reports.Select(r => r.Id));
    }

    [Fact]
    public async Task A_report_the_hub_cannot_take_now_is_retried_and_one_it_no_longer_wants_is_dropped()
    {
        _hub.Pending.Add(new PulledWorkItem("a-1-Delta", "a", "Delta", 1));
        _hub.Pending.Add(new PulledWorkItem("b-1-Delta", "b", "Delta", 1));
        var down = true;
        _hub.Answer = id => id.StartsWith('a') ? (down ? ReportOutcome.Retry : ReportOutcome.Accepted) : ReportOutcome.Gone;
        var agent = Agent();

        await RunForAsync(agent, TimeSpan.FromSeconds(10));
        Assert.Equal(1, agent.Status().Gone);
        Assert.Equal(1, agent.Status().ReportsWaiting);
        var attempts = _hub.Reports.Count(r => r.Id == "a-1-Delta");
        Assert.True(attempts >= 5, $"{attempts} attempts");

        down = false;
        await RunForAsync(agent, TimeSpan.FromSeconds(3));
        Assert.Equal(0, agent.Status().ReportsWaiting);
        Assert.Equal(1, agent.Status().Reported);
        Assert.Single(_hub.Reports, r => r.Id == "b-1-Delta");
    }

    [Fact]
    public async Task Work_in_progress_the_hub_stops_listing_is_cancelled_and_never_reported()
    {
        _hub.Pending.Add(new PulledWorkItem("a-0-InitialSeed", "a", "InitialSeed", 0));
        _hub.Pending.Add(new PulledWorkItem("b-0-InitialSeed", "b", "InitialSeed", 0));
        var agent = Agent();
        await RunForAsync(agent, TimeSpan.FromSeconds(10));
        Assert.Equal(2, agent.Status().Active.Count);

        _hub.Pending.RemoveAll(p => p.Id.StartsWith('b'));
        await RunForAsync(agent, TimeSpan.FromSeconds(10));
        Assert.Equal(1, agent.Status().Cancelled);
        Assert.Equal("a-0-InitialSeed", agent.Status().Active.Single().WorkItemId);

        await RunForAsync(agent, TimeSpan.FromSeconds(120));
        Assert.Equal(["a-0-InitialSeed"], _hub.Reports.Select(r => r.Id));
    }

    [Fact]
    public async Task A_full_page_does_not_cancel_the_work_it_leaves_out()
    {
        _hub.Pending.Add(new PulledWorkItem("a-0-InitialSeed", "a", "InitialSeed", 0));
        var agent = Agent(new AgentOptions { PollInterval = TimeSpan.FromSeconds(5), PullMax = 1 });
        await RunForAsync(agent, TimeSpan.FromSeconds(2));
        _hub.Pending.Insert(0, new PulledWorkItem("b-0-InitialSeed", "b", "InitialSeed", 0));
        await RunForAsync(agent, TimeSpan.FromSeconds(10));
        Assert.Equal(0, agent.Status().Cancelled);
        Assert.Equal(["a-0-InitialSeed", "b-0-InitialSeed"], agent.Status().Active.Select(a => a.WorkItemId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Source_shutdown_is_reported_after_the_shutdown_time_and_a_failure_rate_reports_failures()
    {
        _hub.Pending.Add(new PulledWorkItem("a-4-SourceShutdown", "a", "SourceShutdown", 4));
        var agent = Agent(new AgentOptions { PollInterval = TimeSpan.FromSeconds(5), FailurePercent = 100 });
        await RunForAsync(agent, TimeSpan.FromSeconds(110));
        Assert.Empty(_hub.Reports);
        await RunForAsync(agent, TimeSpan.FromSeconds(20));
        var report = Assert.Single(_hub.Reports);
        Assert.False(report.Succeeded);
        Assert.Contains("Simulated replication error on name-a", report.Error, StringComparison.Ordinal);
        Assert.Equal(1, agent.Status().FailedReports);
    }

    [Fact]
    public async Task Pull_errors_are_counted_and_retried_but_a_refused_credential_stops_the_agent()
    {
        _hub.PullFailure = new WorkItemHubException(HttpStatusCode.ServiceUnavailable, "region down");
        var agent = Agent();
        await RunForAsync(agent, TimeSpan.FromSeconds(11));
        Assert.Equal(3, agent.Status().PullErrors);
        Assert.Contains("region down", agent.Status().LastError, StringComparison.Ordinal);

        _hub.PullFailure = new HttpRequestException("connection refused");
        await RunForAsync(agent, TimeSpan.FromSeconds(5));
        Assert.Equal(4, agent.Status().PullErrors);

        _hub.PullFailure = null;
        await RunForAsync(agent, TimeSpan.FromSeconds(5));
        Assert.Equal(1, agent.Status().Pulls);

        _hub.PullFailure = new WorkItemHubException(HttpStatusCode.Unauthorized, "unknown credential");
        await Assert.ThrowsAsync<WorkItemHubException>(() => RunForAsync(agent, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Heartbeats_follow_their_interval_and_RunAsync_returns_when_cancelled()
    {
        var agent = Agent(new AgentOptions { PollInterval = TimeSpan.FromSeconds(5), HeartbeatInterval = TimeSpan.FromSeconds(30), TickInterval = TimeSpan.FromSeconds(1) });
        using var stop = new CancellationTokenSource();
        var run = agent.RunAsync(stop.Token);
        for (var i = 0; i < 95; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.InRange(_hub.Heartbeats, 3, 4);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_client_reads_the_hubs_work_items_and_classifies_report_answers()
    {
        const string body = """{"value":[{"id":"vm-1-000003-Delta-0","projectId":"p","applianceId":"ap","serverId":"vm-1","kind":"Delta","cycle":3,"createdAt":"2026-12-01T08:00:00+00:00","path":"AgentlessVMware","seedDiskIds":["/d/1"],"state":"Pending","queuePosition":4}]}""";
        using var handler = new StubHandler(req =>
        {
            Assert.Equal("secret", req.Headers.GetValues("x-appliance-key").Single());
            return req.Method == HttpMethod.Get
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.Accepted);
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://hub/") };
        var client = new WorkItemClient(http, "contoso", "ap", "secret");
        var item = Assert.Single(await client.PullAsync(100, CancellationToken.None));
        Assert.Equal(new PulledWorkItem("vm-1-000003-Delta-0", "vm-1", "Delta", 3, "AgentlessVMware", item.SeedDiskIds), item);
        Assert.Equal(["/d/1"], item.SeedDiskIds!);
        Assert.Equal("http://hub/api/projects/contoso/appliances/ap/workItems?max=100", handler.Requests[0]);
        Assert.Equal(ReportOutcome.Accepted, await client.ReportAsync(item.Id, true, null, 5, CancellationToken.None));
        Assert.Equal("http://hub/api/projects/contoso/appliances/ap/workItems/vm-1-000003-Delta-0/report", handler.Requests[1]);

        using var cancelled = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"workItemId":"w","state":"Cancelled"}""") });
        using var http2 = new HttpClient(cancelled) { BaseAddress = new Uri("http://hub/") };
        Assert.Equal(ReportOutcome.Gone, await new WorkItemClient(http2, "contoso", "ap", "secret").ReportAsync("w", true, null, 5, CancellationToken.None));
        using var repeated = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"workItemId":"w","state":"Reported"}""") });
        using var http3 = new HttpClient(repeated) { BaseAddress = new Uri("http://hub/") };
        Assert.Equal(ReportOutcome.Accepted, await new WorkItemClient(http3, "contoso", "ap", "secret").ReportAsync("w", true, null, 5, CancellationToken.None));

        // Progress: the body and route; Pending -> Accepted, Reported or Cancelled -> Gone, 404 -> Gone, 503 -> Retry.
        string? sent = null;
        var progressAnswer = (HttpStatusCode.OK, """{"workItemId":"w","state":"Pending","stored":true}""");
        using var progressHandler = new StubHandler(req =>
        {
            sent = req.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            return new HttpResponseMessage(progressAnswer.Item1) { Content = new StringContent(progressAnswer.Item2) };
        });
        using var http4 = new HttpClient(progressHandler) { BaseAddress = new Uri("http://hub/") };
        var progressClient = new WorkItemClient(http4, "contoso", "ap", "secret");
        Assert.Equal(ReportOutcome.Accepted, await progressClient.ProgressAsync("vm-1-000000-InitialSeed-0", 40, 100, CancellationToken.None));
        Assert.Equal("http://hub/api/projects/contoso/appliances/ap/workItems/vm-1-000000-InitialSeed-0/progress", progressHandler.Requests[0]);
        Assert.Equal("""{"bytesTransferred":40,"totalBytes":100}""", sent);
        progressAnswer = (HttpStatusCode.OK, """{"workItemId":"w","state":"Cancelled","stored":false}""");
        Assert.Equal(ReportOutcome.Gone, await progressClient.ProgressAsync("w", 40, 100, CancellationToken.None));
        progressAnswer = (HttpStatusCode.OK, """{"workItemId":"w","state":"Reported","stored":false}""");
        Assert.Equal(ReportOutcome.Gone, await progressClient.ProgressAsync("w", 40, 100, CancellationToken.None));
        progressAnswer = (HttpStatusCode.NotFound, "{}");
        Assert.Equal(ReportOutcome.Gone, await progressClient.ProgressAsync("w", 40, 100, CancellationToken.None));
        progressAnswer = (HttpStatusCode.ServiceUnavailable, "{}");
        Assert.Equal(ReportOutcome.Retry, await progressClient.ProgressAsync("w", 40, 100, CancellationToken.None));

        Assert.Equal(ReportOutcome.Accepted, WorkItemClient.Classify(HttpStatusCode.OK));
        Assert.Equal(ReportOutcome.Gone, WorkItemClient.Classify(HttpStatusCode.NotFound));
        Assert.Equal(ReportOutcome.Gone, WorkItemClient.Classify(HttpStatusCode.Conflict));
        Assert.Equal(ReportOutcome.Gone, WorkItemClient.Classify(HttpStatusCode.Gone));
        Assert.Equal(ReportOutcome.Retry, WorkItemClient.Classify(HttpStatusCode.ServiceUnavailable));
        Assert.Equal(ReportOutcome.Retry, WorkItemClient.Classify(HttpStatusCode.TooManyRequests));
    }

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!.ToString());
            return Task.FromResult(answer(request));
        }
    }
}
