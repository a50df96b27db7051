using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class TtlTests(BusFixture fixture)
{
    [Fact]
    public async Task ExpiredMessage_DeadLetteredWithTtlReason()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("ttl");
        await sender.SendMessageAsync(new ServiceBusMessage("stale") { TimeToLive = TimeSpan.FromMilliseconds(200) });
        await sender.SendMessageAsync(new ServiceBusMessage("fresh"));
        await Task.Delay(400);

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("ttl", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        List<ServiceBusReceivedMessage> received = await Receive.AtLeastAsync(receiver, 2, TimeSpan.FromSeconds(1));
        Assert.Equal(new[] { "fresh" }, received.Select(m => m.Body.ToString()));

        await using ServiceBusReceiver dlq = fixture.Client.CreateReceiver("ttl", new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        ServiceBusReceivedMessage dead = (await dlq.ReceiveMessageAsync(TimeSpan.FromSeconds(5)))!;
        Assert.Equal("stale", dead.Body.ToString());
        Assert.Equal("TTLExpiredException", dead.DeadLetterReason);
    }

    [Fact]
    public async Task QueueDefaultTtl_AppliesAndDropWhenNotDeadLettering()
    {
        await using ServiceBusSender dlSender = fixture.Client.CreateSender("ttl-default");
        await dlSender.SendMessageAsync(new ServiceBusMessage("a"));
        await using ServiceBusSender dropSender = fixture.Client.CreateSender("ttl-drop-default");
        await dropSender.SendMessageAsync(new ServiceBusMessage("b"));
        await Task.Delay(500); // default TTL is 300 ms

        await using ServiceBusReceiver r1 = fixture.Client.CreateReceiver("ttl-default");
        Assert.Null(await r1.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, fixture.Bus.DeadLetterMessageCount("ttl-default"));

        await using ServiceBusReceiver r2 = fixture.Client.CreateReceiver("ttl-drop-default");
        Assert.Null(await r2.ReceiveMessageAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, fixture.Bus.DeadLetterMessageCount("ttl-drop-default"));
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("ttl-drop-default"));
    }
}
