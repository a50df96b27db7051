using MigrateHub.DevHost;

// Runs MigrateHub locally: the Function App's triggers and orchestrations on local stand-ins.
// Usage: dotnet run --project src/DevHost -- [--port 7071] [--regions northeurope,westeurope,...] [--visibility-timeout SECONDS]
var options = new DevHostOptions { Port = 7071 };
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            options.Port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--regions" when i + 1 < args.Length:
            foreach (var region in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.Regions.Add(region);
            }

            break;
        case "--key" when i + 1 < args.Length:
            options.FunctionKey = args[++i];
            break;
        case "--visibility-timeout" when i + 1 < args.Length:
            options.DurableVisibilityTimeout = TimeSpan.FromSeconds(int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [--port N] [--regions a,b,c] [--key KEY] [--visibility-timeout SECONDS]");
            return 2;
    }
}

var key = Environment.GetEnvironmentVariable("MIGRATEHUB_FUNCTION_KEY");
if (!string.IsNullOrEmpty(key))
{
    options.FunctionKey = key;
}

Console.WriteLine("Starting MigrateHub DevHost (local storage stand-ins, durable workers, API)...");
await using var host = await DevHostApp.StartAsync(options);
Console.WriteLine($"MigrateHub is listening on {host.BaseUrl}api/");
Console.WriteLine($"  regions:  {string.Join(", ", host.Hubs.Keys)}");
Console.WriteLine($"  key:      {options.FunctionKey}   (header x-functions-key or ?code=)");
Console.WriteLine($"  durable:  {host.BaseUrl}runtime/webhooks/durabletask/instances/{{instanceId}}");
if (host.Stack.Arm is not null)
{
    Console.WriteLine($"  arm:      {host.Stack.Arm.Endpoint} (local ARM-compatible endpoint)");
}
Console.WriteLine("Press Ctrl+C to stop.");

using var stop = CancellationTokenSource.CreateLinkedTokenSource(host.Stopping);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping.");
}

return 0;
