using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class LockTests(BusFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task LockExpiry_RedeliversAndOldLockIsLost()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("expiry");
        await sender.SendMessageAsync(new ServiceBusMessage("slow"));
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("expiry");

        ServiceBusReceivedMessage first = (await receiver.ReceiveMessageAsync(Wait))!;
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(200))); // still locked
        ServiceBusReceivedMessage second = (await receiver.ReceiveMessageAsync(Wait))!; // lock (1 s) expired
        Assert.Equal(first.SequenceNumber, second.SequenceNumber);
        Assert.Equal(2, second.DeliveryCount);

        ServiceBusException error = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, error.Reason);
        await receiver.CompleteMessageAsync(second);
    }

    [Fact]
    public async Task MaxDeliveryCountExceeded_MessageDeadLettered()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("maxdelivery");
        await sender.SendMessageAsync(new ServiceBusMessage("bad"));
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("maxdelivery");

        for (int attempt = 1; attempt <= 3; attempt++)
        {
            ServiceBusReceivedMessage message = (await receiver.ReceiveMessageAsync(Wait))!;
            Assert.Equal(attempt, message.DeliveryCount);
            await receiver.AbandonMessageAsync(message);
        }

        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        await using ServiceBusReceiver dlq = fixture.Client.CreateReceiver("maxdelivery", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });
        ServiceBusReceivedMessage dead = (await dlq.ReceiveMessageAsync(Wait))!;
        Assert.Equal("bad", dead.Body.ToString());
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
        await dlq.CompleteMessageAsync(dead);
    }

    [Fact]
    public async Task LockExpiriesCountTowardsMaxDeliveryCount()
    {
        // "expiry" has a 1 s lock and MaxDeliveryCount 3.
        await using ServiceBusSender sender = fixture.Client.CreateSender("expiry");
        await sender.SendMessageAsync(new ServiceBusMessage("never settled") { MessageId = "ns" });
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("expiry");
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            ServiceBusReceivedMessage message = (await receiver.ReceiveMessageAsync(Wait))!;
            Assert.Equal(attempt, message.DeliveryCount);
        }

        await Receive.UntilAsync(() => fixture.Bus.DeadLetterMessageCount("expiry") == 1, TimeSpan.FromSeconds(3));
        await using ServiceBusReceiver dlq = fixture.Client.CreateReceiver("expiry", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        ServiceBusReceivedMessage dead = (await dlq.ReceiveMessageAsync(Wait))!;
        Assert.Equal("ns", dead.MessageId);
        Assert.Equal("MaxDeliveryCountExceeded", dead.DeadLetterReason);
    }

    [Fact]
    public async Task RenewLock_ExtendsLockedUntil()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("renew");
        await sender.SendMessageAsync(new ServiceBusMessage("long job"));
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("renew");

        ServiceBusReceivedMessage message = (await receiver.ReceiveMessageAsync(Wait))!;
        DateTimeOffset original = message.LockedUntil;
        await Task.Delay(1200);
        await receiver.RenewMessageLockAsync(message);
        Assert.True(message.LockedUntil > original.AddMilliseconds(1000), $"{message.LockedUntil:O} vs {original:O}");

        await Task.Delay(1200); // past the original 2 s lock
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(100)));
        await receiver.CompleteMessageAsync(message);
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("renew"));
    }
}
