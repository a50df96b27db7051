using System.Diagnostics;
using System.Transactions;
using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class ErrorTests(BusFixture fixture)
{
    [Fact]
    public async Task UnknownQueue_SendAndReceiveFailFastWithEntityNotFound()
    {
        var watch = Stopwatch.StartNew();
        await using ServiceBusSender sender = fixture.Client.CreateSender("no-such-queue");
        ServiceBusException send = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, send.Reason);
        Assert.Contains("no-such-queue", send.Message, StringComparison.Ordinal);

        await using ServiceBusReceiver receiver = fixture.Client.CreateReceiver("no-such-queue");
        ServiceBusException receive = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, receive.Reason);

        // Topics/subscriptions are not served: their management node is not found either.
        await using ServiceBusReceiver subscription = fixture.Client.CreateReceiver("topic", "sub");
        ServiceBusException peek = await Assert.ThrowsAsync<ServiceBusException>(() => subscription.PeekMessageAsync());
        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, peek.Reason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Transactions_UnsupportedOperationFailsFastWithClearError()
    {
        var watch = Stopwatch.StartNew();
        await using ServiceBusSender sender = fixture.Client.CreateSender("unsupported");
        Exception error = await Record.ExceptionAsync(async () =>
        {
            using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
            await sender.SendMessageAsync(new ServiceBusMessage("in a transaction"));
            scope.Complete();
        });
        Assert.NotNull(error);
        Assert.Contains("Transactions are not supported", error.ToString(), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("unsupported"));
    }
}
