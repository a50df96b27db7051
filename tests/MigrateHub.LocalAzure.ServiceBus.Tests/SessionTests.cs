using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class SessionTests(BusFixture fixture)
{
    [Fact]
    public async Task AcceptNextAndNamedSession_MessagesInOrder_StateAndLockRenewal()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("sessions");
        await sender.SendMessagesAsync(Enumerable.Range(0, 4).Select(i => new ServiceBusMessage($"s1-{i}") { SessionId = "s1" }));
        await sender.SendMessagesAsync(new[] { new ServiceBusMessage("s2-0") { SessionId = "s2" }, new ServiceBusMessage("s2-1") { SessionId = "s2" } });
        await sender.SendMessageAsync(new ServiceBusMessage("s1-4") { SessionId = "s1" });

        // Accept next: the session with the oldest message (s1).
        await using ServiceBusSessionReceiver next = await fixture.Client.AcceptNextSessionAsync("sessions");
        Assert.Equal("s1", next.SessionId);
        Assert.True(next.SessionLockedUntil > DateTimeOffset.UtcNow);
        List<ServiceBusReceivedMessage> s1 = await Receive.AtLeastAsync(next, 5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"s1-{i}"), s1.Select(m => m.Body.ToString()));
        Assert.All(s1, m => Assert.Equal("s1", m.SessionId));

        // Session state.
        Assert.Null(await next.GetSessionStateAsync());
        await next.SetSessionStateAsync(new BinaryData("checkpoint-5"));
        Assert.Equal("checkpoint-5", (await next.GetSessionStateAsync()).ToString());

        // Session lock renewal.
        DateTimeOffset before = next.SessionLockedUntil;
        await Task.Delay(600);
        await next.RenewSessionLockAsync();
        Assert.True(next.SessionLockedUntil > before.AddMilliseconds(400));

        foreach (ServiceBusReceivedMessage message in s1)
        {
            await next.CompleteMessageAsync(message);
        }

        // A locked session cannot be accepted twice.
        ServiceBusException locked = await Assert.ThrowsAsync<ServiceBusException>(() => fixture.Client.AcceptSessionAsync("sessions", "s1"));
        Assert.Equal(ServiceBusFailureReason.SessionCannotBeLocked, locked.Reason);

        // Named session.
        await using ServiceBusSessionReceiver named = await fixture.Client.AcceptSessionAsync("sessions", "s2");
        Assert.Equal("s2", named.SessionId);
        List<ServiceBusReceivedMessage> s2 = await Receive.AtLeastAsync(named, 2);
        Assert.Equal(new[] { "s2-0", "s2-1" }, s2.Select(m => m.Body.ToString()));
        await named.AbandonMessageAsync(s2[0]);
        await named.CompleteMessageAsync(s2[1]);
        ServiceBusReceivedMessage again = (await named.ReceiveMessageAsync(TimeSpan.FromSeconds(5)))!;
        Assert.Equal("s2-0", again.Body.ToString());
        Assert.Equal(2, again.DeliveryCount);
        await named.CompleteMessageAsync(again);

        // State survives closing the receiver.
        await next.CloseAsync();
        await using ServiceBusSessionReceiver reopened = await fixture.Client.AcceptSessionAsync("sessions", "s1");
        Assert.Equal("checkpoint-5", (await reopened.GetSessionStateAsync()).ToString());
    }

    [Fact]
    public async Task AcceptNextSession_NoSessionAvailable_TimesOut()
    {
        var started = DateTime.UtcNow;
        ServiceBusException error = await Assert.ThrowsAsync<ServiceBusException>(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using ServiceBusClient client = new(fixture.Bus.ConnectionString, new ServiceBusClientOptions
            {
                RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0, TryTimeout = TimeSpan.FromSeconds(2) },
            });
            await client.AcceptNextSessionAsync("sessions2", cancellationToken: cts.Token);
        });
        Assert.Equal(ServiceBusFailureReason.ServiceTimeout, error.Reason);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SessionQueue_RejectsMessageWithoutSessionId_AndPlainReceiver()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("sessions2");
        ServiceBusException noSession = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("no session")));
        Assert.Contains("requires sessions", noSession.Message, StringComparison.Ordinal);
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("sessions2"));

        // amqp:not-allowed on attach: the client surfaces it as InvalidOperationException, as with Azure.
        await using ServiceBusReceiver plain = fixture.Client.CreateReceiver("sessions2");
        InvalidOperationException notAllowed = await Assert.ThrowsAsync<InvalidOperationException>(() => plain.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        Assert.Contains("requires sessions", notAllowed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionProcessor_ProcessesEachSessionInOrder_AndStopsCleanly()
    {
        const int sessionsCount = 4;
        const int perSession = 25;
        await using ServiceBusSender sender = fixture.Client.CreateSender("session-processor");
        for (int i = 0; i < perSession; i++)
        {
            await sender.SendMessagesAsync(Enumerable.Range(0, sessionsCount).Select(s => new ServiceBusMessage($"{i}") { SessionId = $"S{s}" }));
        }

        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, List<int>>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        int count = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using ServiceBusSessionProcessor processor = fixture.Client.CreateSessionProcessor("session-processor", new ServiceBusSessionProcessorOptions
        {
            MaxConcurrentSessions = 2,
            SessionIdleTimeout = TimeSpan.FromMilliseconds(500),
        });
        processor.ProcessMessageAsync += args =>
        {
            List<int> list = seen.GetOrAdd(args.SessionId, _ => new List<int>());
            lock (list)
            {
                list.Add(int.Parse(args.Message.Body.ToString(), System.Globalization.CultureInfo.InvariantCulture));
            }

            if (Interlocked.Increment(ref count) == sessionsCount * perSession)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        processor.ProcessErrorAsync += args =>
        {
            errors.Enqueue(args.Exception);
            return Task.CompletedTask;
        };

        await processor.StartProcessingAsync();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stop = System.Diagnostics.Stopwatch.StartNew();
        await processor.StopProcessingAsync();
        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(10), $"stop took {stop.Elapsed}");

        Assert.Empty(errors);
        Assert.Equal(sessionsCount, seen.Count);
        Assert.All(seen.Values, list => Assert.Equal(Enumerable.Range(0, perSession), list));
        await Receive.UntilAsync(() => fixture.Bus.ActiveMessageCount("session-processor") == 0, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task SessionLockExpiry_SettlementFailsAndSessionCanBeAcceptedAgain()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("session-expiry");
        await sender.SendMessageAsync(new ServiceBusMessage("e") { SessionId = "x" });

        ServiceBusSessionReceiver first = await fixture.Client.AcceptSessionAsync("session-expiry", "x");
        ServiceBusReceivedMessage message = (await first.ReceiveMessageAsync(TimeSpan.FromSeconds(5)))!;
        await Task.Delay(1500); // session lock is 1 s
        ServiceBusException lost = await Assert.ThrowsAsync<ServiceBusException>(() => first.CompleteMessageAsync(message));
        Assert.Equal(ServiceBusFailureReason.SessionLockLost, lost.Reason);
        await first.DisposeAsync();

        await using ServiceBusSessionReceiver second = await fixture.Client.AcceptSessionAsync("session-expiry", "x");
        ServiceBusReceivedMessage again = (await second.ReceiveMessageAsync(TimeSpan.FromSeconds(5)))!;
        Assert.Equal("e", again.Body.ToString());
        Assert.Equal(2, again.DeliveryCount);
        await second.CompleteMessageAsync(again);
    }
}
