using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

internal static class Receive
{
    /// <summary>Receives until <paramref name="count"/> messages arrived or the deadline passed.</summary>
    public static async Task<List<ServiceBusReceivedMessage>> AtLeastAsync(ServiceBusReceiver receiver, int count, TimeSpan? within = null)
    {
        var result = new List<ServiceBusReceivedMessage>();
        DateTime deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (result.Count < count && DateTime.UtcNow < deadline)
        {
            IReadOnlyList<ServiceBusReceivedMessage> batch = await receiver.ReceiveMessagesAsync(count - result.Count, TimeSpan.FromMilliseconds(500));
            result.AddRange(batch);
        }

        return result;
    }

    public static async Task UntilAsync(Func<bool> condition, TimeSpan within)
    {
        DateTime deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met in time.");
            }

            await Task.Delay(25);
        }
    }
}
