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

[Collection(BusCollection.Name)]
public sealed class BatchAndModeTests(BusFixture fixture)
{
    [Fact]
    public async Task MessageBatch_AllMessagesStoredInOrder()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("batch");
        using ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync();
        for (int i = 0; i < 5; i++)
        {
            Assert.True(batch.TryAddMessage(new ServiceBusMessage($"b{i}")));
        }

        await sender.SendMessagesAsync(batch);
        await sender.SendMessagesAsync(new[] { new ServiceBusMessage("b5"), new ServiceBusMessage("b6") });
        Assert.Equal(7, fixture.Bus.ActiveMessageCount("batch"));

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("batch");
        List<ServiceBusReceivedMessage> received = await Receive.AtLeastAsync(receiver, 7);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"b{i}"), received.Select(m => m.Body.ToString()));
        Assert.Equal(received.Select(m => m.SequenceNumber).Order(), received.Select(m => m.SequenceNumber));
        Assert.Equal(7, received.Select(m => m.SequenceNumber).Distinct().Count());
        foreach (ServiceBusReceivedMessage message in received)
        {
            await receiver.CompleteMessageAsync(message);
        }

        Assert.Equal(0, fixture.Bus.ActiveMessageCount("batch"));
    }

    [Fact]
    public async Task ReceiveAndDelete_RemovesMessageWithoutSettlement()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("rnd");
        await sender.SendMessagesAsync(new[] { new ServiceBusMessage("r1"), new ServiceBusMessage("r2") });

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("rnd", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        List<ServiceBusReceivedMessage> received = await Receive.AtLeastAsync(receiver, 2);

        Assert.Equal(new[] { "r1", "r2" }, received.Select(m => m.Body.ToString()));
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("rnd"));
        await using ServiceBusReceiver again = fixture.Client.CreateReceiver("rnd");
        Assert.Null(await again.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task DropNextMessages_DiscardsAcceptedMessage()
    {
        fixture.Bus.DropNextMessages("drop", 1);
        await using ServiceBusSender sender = fixture.Client.CreateSender("drop");
        await sender.SendMessageAsync(new ServiceBusMessage("lost"));
        await sender.SendMessageAsync(new ServiceBusMessage("kept"));

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("drop", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        List<ServiceBusReceivedMessage> received = await Receive.AtLeastAsync(receiver, 2, TimeSpan.FromSeconds(1));
        Assert.Equal(new[] { "kept" }, received.Select(m => m.Body.ToString()));
    }
}
