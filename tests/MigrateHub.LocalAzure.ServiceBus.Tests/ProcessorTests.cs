using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

[Collection(BusCollection.Name)]
public sealed class ProcessorTests(BusFixture fixture)
{
    [Fact]
    public async Task Processor_8ConcurrentCalls_10000Messages_NoneLostNoneTwice_StopsCleanly()
    {
        const int total = 10_000;
        await using ServiceBusSender sender = fixture.Client.CreateSender("processor");
        for (int start = 0; start < total; start += 500)
        {
            using ServiceBusMessageBatch batch = await sender.CreateMessageBatchAsync();
            for (int i = start; i < start + 500; i++)
            {
                Assert.True(batch.TryAddMessage(new ServiceBusMessage($"{i}") { MessageId = $"{i}" }));
            }

            await sender.SendMessagesAsync(batch);
        }

        Assert.Equal(total, fixture.Bus.ActiveMessageCount("processor"));
        var completed = new ConcurrentDictionary<string, int>();
        var handled = new ConcurrentDictionary<string, int>();
        int concurrent = 0;
        int maxConcurrent = 0;
        var errors = new ConcurrentQueue<Exception>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using ServiceBusProcessor processor = fixture.Client.CreateProcessor("processor", new ServiceBusProcessorOptions
        {
            MaxConcurrentCalls = 8,
            AutoCompleteMessages = false,
        });
        processor.ProcessMessageAsync += async args =>
        {
            int now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref maxConcurrent, now);
            handled.AddOrUpdate(args.Message.MessageId, 1, (_, n) => n + 1);
            if (completed.ContainsKey(args.Message.MessageId))
            {
                errors.Enqueue(new InvalidOperationException($"message {args.Message.MessageId} handled after completion"));
            }

            await args.CompleteMessageAsync(args.Message);
            completed.AddOrUpdate(args.Message.MessageId, 1, (_, n) => n + 1);
            Interlocked.Decrement(ref concurrent);
            if (completed.Count == total)
            {
                done.TrySetResult();
            }
        };
        processor.ProcessErrorAsync += args =>
        {
            errors.Enqueue(args.Exception);
            return Task.CompletedTask;
        };

        var watch = Stopwatch.StartNew();
        await processor.StartProcessingAsync();
        await done.Task.WaitAsync(TimeSpan.FromSeconds(90));
        watch.Stop();

        // Give any stray redelivery a chance to show up before stopping.
        await Task.Delay(300);
        var stopWatch = Stopwatch.StartNew();
        await processor.StopProcessingAsync();
        await processor.DisposeAsync();
        stopWatch.Stop();

        Assert.Empty(errors);
        Assert.Equal(total, completed.Count);
        Assert.All(completed.Values, n => Assert.Equal(1, n));
        Assert.Equal(total, handled.Count);
        Assert.All(handled.Values, n => Assert.Equal(1, n));
        Assert.InRange(maxConcurrent, 2, 8);
        Assert.Equal(0, fixture.Bus.ActiveMessageCount("processor"));
        Assert.True(stopWatch.Elapsed < TimeSpan.FromSeconds(10), $"stop took {stopWatch.Elapsed}");
        Console.WriteLine($"processor: {total} messages in {watch.Elapsed.TotalSeconds:F1} s ({total / watch.Elapsed.TotalSeconds:F0} msg/s), stop {stopWatch.ElapsedMilliseconds} ms");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
