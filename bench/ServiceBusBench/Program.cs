// Throughput of the local Service Bus endpoint driven by the real Azure.Messaging.ServiceBus client.
// Usage: ServiceBusBench [messages=20000] [bodyBytes=256] [concurrency=8]
using System.Diagnostics;
using System.Globalization;
using Azure.Messaging.ServiceBus;
using MigrateHub.LocalAzure.ServiceBus;

int total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
int bodyBytes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 256;
int concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;

var options = new LocalServiceBusOptions();
options.Queues.Add(new LocalQueueOptions { Name = "bench" });
options.Queues.Add(new LocalQueueOptions { Name = "bench-rnd" });
await using LocalServiceBus bus = await LocalServiceBus.StartAsync(options);
await using var client = new ServiceBusClient(bus.ConnectionString);
var body = new byte[bodyBytes];
Console.WriteLine($"ServiceBusBench: {total} messages of {bodyBytes} B, processor MaxConcurrentCalls={concurrency}, endpoint 127.0.0.1:{bus.Port}, {Environment.ProcessorCount} cores");

// Warm-up: open links and JIT the paths.
await using (ServiceBusSender warm = client.CreateSender("bench-rnd"))
{
    await SendAllAsync(warm, 100, body);
    await using ServiceBusReceiver r = client.CreateReceiver("bench-rnd", new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
    int got = 0;
    while (got < 100)
    {
        got += (await r.ReceiveMessagesAsync(100, TimeSpan.FromSeconds(1))).Count;
    }
}

// 1) Batched sends: fill ServiceBusMessageBatch objects (max 256 KB each), one sender.
await using ServiceBusSender sender = client.CreateSender("bench");
var watch = Stopwatch.StartNew();
int sent = 0;
int batches = 0;
while (sent < total)
{
    using ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync();
    while (sent < total && batch.TryAddMessage(new ServiceBusMessage(body) { MessageId = sent.ToString(CultureInfo.InvariantCulture) }))
    {
        sent++;
    }

    await sender.SendMessagesAsync(batch);
    batches++;
}

double sendSeconds = watch.Elapsed.TotalSeconds;
Console.WriteLine($"send    : {total} messages in {batches} batches, {sendSeconds:F2} s -> {total / sendSeconds:F0} msg/s");

// 2) Processor, PeekLock, auto-complete after each handler call.
int processed = 0;
var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
await using ServiceBusProcessor processor = client.CreateProcessor("bench", new ServiceBusProcessorOptions { MaxConcurrentCalls = concurrency, AutoCompleteMessages = true });
processor.ProcessMessageAsync += _ =>
{
    if (Interlocked.Increment(ref processed) == total)
    {
        done.TrySetResult();
    }

    return Task.CompletedTask;
};
processor.ProcessErrorAsync += e =>
{
    Console.WriteLine($"error: {e.Exception.Message}");
    return Task.CompletedTask;
};
watch.Restart();
await processor.StartProcessingAsync();
await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
// Wait for the last completes to reach the broker.
while (bus.ActiveMessageCount("bench") > 0)
{
    await Task.Delay(1);
}

double receiveSeconds = watch.Elapsed.TotalSeconds;
await processor.StopProcessingAsync();
Console.WriteLine($"process : {total} messages received+completed in {receiveSeconds:F2} s -> {total / receiveSeconds:F0} msg/s");

// 3) Same with prefetch (PrefetchCount = 100), the usual high-throughput setting.
await SendAllAsync(sender, total, body);
processed = 0;
done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
await using ServiceBusProcessor prefetching = client.CreateProcessor("bench", new ServiceBusProcessorOptions { MaxConcurrentCalls = concurrency, AutoCompleteMessages = true, PrefetchCount = 100 });
prefetching.ProcessMessageAsync += _ =>
{
    if (Interlocked.Increment(ref processed) == total)
    {
        done.TrySetResult();
    }

    return Task.CompletedTask;
};
prefetching.ProcessErrorAsync += _ => Task.CompletedTask;
watch.Restart();
await prefetching.StartProcessingAsync();
await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
while (bus.ActiveMessageCount("bench") > 0)
{
    await Task.Delay(1);
}

double prefetchSeconds = watch.Elapsed.TotalSeconds;
await prefetching.StopProcessingAsync();
Console.WriteLine($"process (prefetch 100): {total} in {prefetchSeconds:F2} s -> {total / prefetchSeconds:F0} msg/s");
Console.WriteLine($"send+process end to end: {2.0 * total / (sendSeconds + receiveSeconds):F0} operations/s ({total / (sendSeconds + receiveSeconds):F0} messages/s through the queue)");

static async Task SendAllAsync(ServiceBusSender sender, int total, byte[] body)
{
    int sent = 0;
    while (sent < total)
    {
        using ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync();
        while (sent < total && batch.TryAddMessage(new ServiceBusMessage(body)))
        {
            sent++;
        }

        await sender.SendMessagesAsync(batch);
    }
}
