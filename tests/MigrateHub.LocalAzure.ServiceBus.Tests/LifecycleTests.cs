using System.Net;
using System.Net.Sockets;
using Azure.Messaging.ServiceBus;

namespace MigrateHub.LocalAzure.ServiceBus.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task PortZero_PicksFreePort_ConnectionStringUsesIt_StopReleasesPort()
    {
        var options = new LocalServiceBusOptions();
        options.Queues.Add(new LocalQueueOptions { Name = "q" });
        LocalServiceBus bus = await LocalServiceBus.StartAsync(options);
        int port = bus.Port;
        Assert.NotEqual(0, port);
        Assert.Equal($"Endpoint=sb://127.0.0.1:{port};SharedAccessKeyName={LocalServiceBus.KeyName};SharedAccessKey={LocalServiceBus.Key};UseDevelopmentEmulator=true;", bus.ConnectionString);

        await using (var client = new ServiceBusClient(bus.ConnectionString))
        {
            await using ServiceBusSender sender = client.CreateSender("q");
            await sender.SendMessageAsync(new ServiceBusMessage("x"));
            Assert.Equal(1, bus.ActiveMessageCount("q"));
            await using ServiceBusReceiver receiver = client.CreateReceiver("q");
            Task<ServiceBusReceivedMessage?> pending = receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1));
            await pending;

            // Stopping with open links completes promptly.
            Task stop = bus.StopAsync();
            Assert.Same(stop, await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(5))));
        }

        await bus.DisposeAsync(); // idempotent

        // The port is free again: a new endpoint can take it explicitly.
        var again = new LocalServiceBusOptions { Port = port };
        again.Queues.Add(new LocalQueueOptions { Name = "q" });
        await using LocalServiceBus second = await LocalServiceBus.StartAsync(again);
        Assert.Equal(port, second.Port);
        using var probe = new TcpClient();
        await probe.ConnectAsync(IPAddress.Loopback, port);
        Assert.Equal(0, second.ActiveMessageCount("q")); // nothing persists across restarts
    }

    [Fact]
    public async Task ConfiguredPortInUse_StartFails()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        int port = ((IPEndPoint)occupier.LocalEndpoint).Port;
        await Assert.ThrowsAsync<SocketException>(() => LocalServiceBus.StartAsync(new LocalServiceBusOptions { Port = port }));
    }

    [Fact]
    public async Task InspectionOfUnknownQueue_Throws()
    {
        await using LocalServiceBus bus = await LocalServiceBus.StartAsync(new LocalServiceBusOptions());
        Assert.Throws<ArgumentException>(() => bus.ActiveMessageCount("missing"));
        Assert.Throws<ArgumentException>(() => bus.DropNextMessages("missing", 1));
    }
}
