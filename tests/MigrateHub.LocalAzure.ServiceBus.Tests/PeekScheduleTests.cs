using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class PeekScheduleTests(BusFixture fixture)
{
    [Fact]
    public async Task Peek_ReturnsMessagesWithoutLockingThem()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("peek");
        await sender.SendMessagesAsync(new[] { new ServiceBusMessage("p0"), new ServiceBusMessage("p1"), new ServiceBusMessage("p2") });
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("peek");

        IReadOnlyList<ServiceBusReceivedMessage> first = await receiver.PeekMessagesAsync(2);
        IReadOnlyList<ServiceBusReceivedMessage> rest = await receiver.PeekMessagesAsync(10);
        Assert.Equal(new[] { "p0", "p1" }, first.Select(m => m.Body.ToString()));
        Assert.Equal(new[] { "p2" }, rest.Select(m => m.Body.ToString()));
        Assert.True(first[0].SequenceNumber > 0);
        Assert.Empty(await receiver.PeekMessagesAsync(10));

        ServiceBusReceivedMessage peekedFromStart = (await receiver.PeekMessageAsync(fromSequenceNumber: first[1].SequenceNumber))!;
        Assert.Equal("p1", peekedFromStart.Body.ToString());

        List<ServiceBusReceivedMessage> received = await Receive.AtLeastAsync(receiver, 3);
        Assert.Equal(3, received.Count); // peeking locked nothing
        foreach (ServiceBusReceivedMessage message in received)
        {
            await receiver.CompleteMessageAsync(message);
        }
    }

    [Fact]
    public async Task ScheduledMessage_NotDeliveredEarly_AndCancelledOneNeverArrives()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("schedule");
        DateTimeOffset due = DateTimeOffset.UtcNow.AddSeconds(1.5);
        long kept = await sender.ScheduleMessageAsync(new ServiceBusMessage("due") { MessageId = "due" }, due);
        long cancelled = await sender.ScheduleMessageAsync(new ServiceBusMessage("cancel me"), due);
        await sender.SendMessageAsync(new ServiceBusMessage("via property") { ScheduledEnqueueTime = due });
        Assert.NotEqual(kept, cancelled);
        Assert.Equal(3, fixture.Bus.ScheduledMessageCount("schedule"));
        await sender.CancelScheduledMessageAsync(cancelled);
        Assert.Equal(2, fixture.Bus.ScheduledMessageCount("schedule"));

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("schedule");
        ServiceBusReceivedMessage peeked = (await receiver.PeekMessageAsync())!;
        Assert.Equal(ServiceBusMessageState.Scheduled, peeked.State);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(500)));
        Assert.True(DateTimeOffset.UtcNow < due, "the early-receive check must run before the due time");

        List<ServiceBusReceivedMessage> received = await Receive.AtLeastAsync(receiver, 2, TimeSpan.FromSeconds(5));
        Assert.True(DateTimeOffset.UtcNow >= due.AddMilliseconds(-50));
        Assert.Equal(new[] { "due", "via property" }, received.Select(m => m.Body.ToString()));
        Assert.Equal(kept, received[0].SequenceNumber);
        foreach (ServiceBusReceivedMessage message in received)
        {
            await receiver.CompleteMessageAsync(message);
        }

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, fixture.Bus.ScheduledMessageCount("schedule"));
    }
}

[Collection(BusCollection.Name)]
public sealed class DuplicateDetectionTests(BusFixture fixture)
{
    [Fact]
    public async Task SameMessageIdWithinWindow_StoredOnce_AfterWindowAgain()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("dedup");
        await sender.SendMessageAsync(new ServiceBusMessage("one") { MessageId = "a" });
        await sender.SendMessageAsync(new ServiceBusMessage("dup") { MessageId = "a" });
        await sender.SendMessagesAsync(new[] { new ServiceBusMessage("dup2") { MessageId = "a" }, new ServiceBusMessage("two") { MessageId = "b" } });
        Assert.Equal(2, fixture.Bus.ActiveMessageCount("dedup"));

        await Task.Delay(TimeSpan.FromSeconds(2.2)); // window is 2 s
        await sender.SendMessageAsync(new ServiceBusMessage("three") { MessageId = "a" });

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("dedup", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        List<ServiceBusReceivedMessage> received = await Receive.AtLeastAsync(receiver, 4, TimeSpan.FromSeconds(1.5));
        Assert.Equal(new[] { "one", "two", "three" }, received.Select(m => m.Body.ToString()));
    }

    [Fact]
    public async Task QueueWithoutDuplicateDetection_KeepsBoth()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("nodedup");
        await sender.SendMessageAsync(new ServiceBusMessage("x") { MessageId = "same" });
        await sender.SendMessageAsync(new ServiceBusMessage("y") { MessageId = "same" });
        Assert.Equal(2, fixture.Bus.ActiveMessageCount("nodedup"));
    }
}
