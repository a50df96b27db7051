using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class SettlementTests(BusFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Abandon_RedeliversWithDeliveryCountPlusOneAndModifiedProperties()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("settle");
        await sender.SendMessageAsync(new ServiceBusMessage("a") { ApplicationProperties = { ["attempt"] = 0 } });
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("settle");

        ServiceBusReceivedMessage first = (await receiver.ReceiveMessageAsync(Wait))!;
        Assert.Equal(1, first.DeliveryCount);
        await receiver.AbandonMessageAsync(first, new Dictionary<string, object> { ["attempt"] = 1 });

        ServiceBusReceivedMessage second = (await receiver.ReceiveMessageAsync(Wait))!;
        Assert.Equal(first.SequenceNumber, second.SequenceNumber);
        Assert.Equal(2, second.DeliveryCount);
        Assert.Equal(1, second.ApplicationProperties["attempt"]);
        Assert.NotEqual(first.LockToken, second.LockToken);
        await receiver.CompleteMessageAsync(second);

        // The first lock token is gone: settling with it fails with MessageLockLost.
        ServiceBusException error = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, error.Reason);
    }

    [Fact]
    public async Task Defer_ThenReceiveDeferredBySequenceNumber()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("defer");
        await sender.SendMessageAsync(new ServiceBusMessage("later"));
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("defer");

        ServiceBusReceivedMessage message = (await receiver.ReceiveMessageAsync(Wait))!;
        await receiver.DeferMessageAsync(message);
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, fixture.Bus.DeferredMessageCount("defer"));

        ServiceBusReceivedMessage deferred = await receiver.ReceiveDeferredMessageAsync(message.SequenceNumber);
        Assert.Equal("later", deferred.Body.ToString());
        Assert.Equal(ServiceBusMessageState.Deferred, deferred.State);
        Assert.True(deferred.LockedUntil > DateTimeOffset.UtcNow);
        Assert.Equal(2, deferred.DeliveryCount);

        // Settled through $management (update-disposition): abandoning keeps it deferred...
        await receiver.AbandonMessageAsync(deferred);
        Assert.Equal(1, fixture.Bus.DeferredMessageCount("defer"));
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(200)));
        deferred = await receiver.ReceiveDeferredMessageAsync(message.SequenceNumber);
        await receiver.CompleteMessageAsync(deferred);
        Assert.Equal(0, fixture.Bus.DeferredMessageCount("defer"));
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("defer"));

        // ...and a deferred message can be dead-lettered the same way.
        await sender.SendMessageAsync(new ServiceBusMessage("later 2"));
        ServiceBusReceivedMessage second = (await receiver.ReceiveMessageAsync(Wait))!;
        await receiver.DeferMessageAsync(second);
        ServiceBusReceivedMessage deferred2 = await receiver.ReceiveDeferredMessageAsync(second.SequenceNumber);
        await receiver.DeadLetterMessageAsync(deferred2, "GaveUp", "deferred too long");
        Assert.Equal(0, fixture.Bus.DeferredMessageCount("defer"));
        Assert.Equal(1, fixture.Bus.DeadLetterMessageCount("defer"));

        ServiceBusException missing = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveDeferredMessageAsync(message.SequenceNumber));
        Assert.Equal(ServiceBusFailureReason.MessageNotFound, missing.Reason);
    }

    [Fact]
    public async Task DeadLetter_ReasonAndDescriptionReadBackFromDeadLetterQueue()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("dlq");
        await sender.SendMessageAsync(new ServiceBusMessage("poison") { MessageId = "p1", ApplicationProperties = { ["k"] = "v" } });
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("dlq");

        ServiceBusReceivedMessage message = (await receiver.ReceiveMessageAsync(Wait))!;
        await receiver.DeadLetterMessageAsync(message, "BadFormat", "field x missing");
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("dlq"));
        Assert.Equal(1, fixture.Bus.DeadLetterMessageCount("dlq"));

        await using ServiceBusReceiver dlq = fixture.Client.CreateReceiver("dlq", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        ServiceBusReceivedMessage dead = (await dlq.ReceiveMessageAsync(Wait))!;
        Assert.Equal("poison", dead.Body.ToString());
        Assert.Equal("p1", dead.MessageId);
        Assert.Equal("BadFormat", dead.DeadLetterReason);
        Assert.Equal("field x missing", dead.DeadLetterErrorDescription);
        Assert.Equal("v", dead.ApplicationProperties["k"]);
        Assert.Equal("dlq", dead.DeadLetterSource);
        await dlq.CompleteMessageAsync(dead);
        Assert.Equal(0, fixture.Bus.DeadLetterMessageCount("dlq"));
    }
}
