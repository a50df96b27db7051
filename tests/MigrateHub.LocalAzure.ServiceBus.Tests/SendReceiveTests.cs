using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class SendReceiveTests(BusFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SingleMessage_PeekLock_ReceivedAndCompleted()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("basic");
        await sender.SendMessageAsync(new ServiceBusMessage("hello") { MessageId = "m1" });

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("basic");
        ServiceBusReceivedMessage? message = await receiver.ReceiveMessageAsync(Wait);

        Assert.NotNull(message);
        Assert.Equal("hello", message.Body.ToString());
        Assert.Equal("m1", message.MessageId);
        Assert.Equal(1, message.DeliveryCount);
        Assert.NotEqual(Guid.Empty.ToString(), message.LockToken);
        Assert.True(message.LockedUntil > DateTimeOffset.UtcNow);
        Assert.Equal(1, fixture.Bus.ActiveMessageCount("basic"));

        await receiver.CompleteMessageAsync(message);
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("basic"));
        Assert.Null(await receiver.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
    }
}
