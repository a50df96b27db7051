using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class FieldsTests(BusFixture fixture)
{
    [Fact]
    public async Task AllCommonFieldsRoundTrip()
    {
        var body = new byte[] { 0, 1, 2, 250, 255 };
        var when = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var id = Guid.NewGuid();
        var sent = new ServiceBusMessage(body)
        {
            MessageId = "msg-1",
            CorrelationId = "corr-1",
            Subject = "upload",
            ContentType = "application/octet-stream",
            ReplyTo = "replies",
            To = "hub",
            TimeToLive = TimeSpan.FromMinutes(5),
            ApplicationProperties =
            {
                ["string"] = "text",
                ["int"] = 42,
                ["long"] = 9_000_000_000L,
                ["double"] = 1.5,
                ["bool"] = true,
                ["guid"] = id,
                ["time"] = when,
                ["bytes"] = new byte[] { 9, 8 },
            },
        };
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using ServiceBusSender sender = fixture.Client.CreateSender("fields");
        await sender.SendMessageAsync(sent);

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("fields");
        ServiceBusReceivedMessage got = (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5)))!;

        Assert.Equal(body, got.Body.ToArray());
        Assert.Equal("msg-1", got.MessageId);
        Assert.Equal("corr-1", got.CorrelationId);
        Assert.Equal("upload", got.Subject);
        Assert.Equal("application/octet-stream", got.ContentType);
        Assert.Equal("replies", got.ReplyTo);
        Assert.Equal("hub", got.To);
        Assert.Equal(TimeSpan.FromMinutes(5), got.TimeToLive);
        Assert.True(got.SequenceNumber > 0);
        Assert.InRange(got.EnqueuedTime, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(got.EnqueuedTime + TimeSpan.FromMinutes(5), got.ExpiresAt);
        Assert.Equal("text", got.ApplicationProperties["string"]);
        Assert.Equal(42, got.ApplicationProperties["int"]);
        Assert.Equal(9_000_000_000L, got.ApplicationProperties["long"]);
        Assert.Equal(1.5, got.ApplicationProperties["double"]);
        Assert.Equal(true, got.ApplicationProperties["bool"]);
        Assert.Equal(id, got.ApplicationProperties["guid"]);
        Assert.Equal(when, got.ApplicationProperties["time"] is DateTime dt ? new DateTimeOffset(dt) : got.ApplicationProperties["time"]);
        Assert.Equal(new byte[] { 9, 8 }, got.ApplicationProperties["bytes"]);
        await receiver.CompleteMessageAsync(got);
    }

    [Fact]
    public async Task SessionIdRoundTrips()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("session-guard");
        // session-guard is not session-enabled: SessionId is just a field here.
        await sender.SendMessageAsync(new ServiceBusMessage("x") { SessionId = "abc" });
        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("session-guard", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        ServiceBusReceivedMessage got = (await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(5)))!;
        Assert.Equal("abc", got.SessionId);
    }

    [Fact]
    public async Task MessageOverMaximumSize_RefusedWithClearError()
    {
        await using ServiceBusSender sender = fixture.Client.CreateSender("big");
        ServiceBusException error = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(new byte[300 * 1024])));
        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, error.Reason);

        using ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync();
        Assert.Equal(256 * 1024, batch.MaxSizeInBytes);
        Assert.False(batch.TryAddMessage(new ServiceBusMessage(new byte[300 * 1024])));

        // Just under the limit is fine.
        await sender.SendMessageAsync(new ServiceBusMessage(new byte[200 * 1024]));
        Assert.Equal(0 + 1, fixture.Bus.ActiveMessageCount("big"));
    }
}
