using MigrateHub.LocalAzure;

// Starts the local stand-ins on their own and prints how to reach them, until Ctrl+C.
// Usage: dotnet run --project tools/LocalAzure/Launcher -- [--large] [region ...]
// --large: Azurite keeps its data in memory with a 16 GB Node heap limit (AzuriteSettings.ForLargeRuns);
// the same as MIGRATEHUB_AZURITE_LARGE=1.
var options = new LocalAzureOptions();
if (args.Contains("--large"))
{
    options.Azurite = AzuriteSettings.ForLargeRuns;
    args = args.Where(a => a != "--large").ToArray();
}

options.ServiceBusQueues.Add(new MigrateHub.LocalAzure.ServiceBus.LocalQueueOptions { Name = "uploads", LockDuration = TimeSpan.FromMinutes(1) });
foreach (var region in args.Length > 0 ? args : ["westeurope", "northeurope"])
{
    options.Regions.Add(region);
}

await using var stack = await LocalAzureStack.StartAsync(options);
Console.WriteLine($"directory   {stack.Directory.ConnectionString}");
foreach (var (name, storage) in stack.Regions)
{
    Console.WriteLine($"{name,-11} {storage.ConnectionString}");
    if (stack.ServiceBus.TryGetValue(name, out var bus))
    {
        Console.WriteLine($"{"",-11} {bus.ConnectionString}");
    }
}

if (stack.Arm is not null)
{
    Console.WriteLine($"arm         {stack.Arm.Endpoint} (certificate thumbprint {stack.Arm.CertificateThumbprint})");
}

Console.WriteLine("Local Azure stand-ins running. Press Ctrl+C to stop.");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping.");
}
