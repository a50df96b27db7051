using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MigrateHub.DevHost.Durable;
using MigrateHub.DevHost.Functions;
using MigrateHub.Functions.Hosting;
using MigrateHub.Functions.Http;
using MigrateHub.LocalAzure;
using MigrateHub.Shared.Projects;

namespace MigrateHub.DevHost;

/// <summary>
/// Runs the Function App without the Functions host: its own HTTP and timer trigger classes (same
/// routes, same code) and its orchestrations on the Durable Task Framework, over local stand-ins
/// for Azure (one Azurite per region plus one for the directory).
/// </summary>
public sealed class DevHostApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DevHostApp(WebApplication app, LocalAzureStack stack, IReadOnlyDictionary<string, RegionalTaskHub> hubs, string baseUrl, DevHostOptions options)
    {
        _app = app;
        Stack = stack;
        Hubs = hubs;
        BaseUrl = baseUrl;
        Options = options;
    }

    /// <summary>Where the API listens, e.g. <c>http://127.0.0.1:7071/</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The options it runs with.</summary>
    public DevHostOptions Options { get; }

    /// <summary>The local storage stand-ins (stop one region's to simulate its outage).</summary>
    public LocalAzureStack Stack { get; }

    /// <summary>Each region's task hub (stop and start its worker).</summary>
    public IReadOnlyDictionary<string, RegionalTaskHub> Hubs { get; }

    /// <summary>Signalled when the process is asked to stop (SIGTERM, Ctrl+C).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the stand-ins, the API and the durable workers.</summary>
    public static async Task<DevHostApp> StartAsync(DevHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var regions = (options.Regions.Count > 0 ? options.Regions.ToList() : DevHostOptions.DefaultRegions).Select(r => r.ToLowerInvariant()).Distinct().ToList();
        var stackOptions = new LocalAzureOptions { DataRoot = options.DataRoot };
        foreach (var region in regions)
        {
            stackOptions.Regions.Add(region);
        }

        foreach (var queue in MigrateHub.Shared.Configuration.ResourceNames.Queues)
        {
            stackOptions.ServiceBusQueues.Add(new MigrateHub.LocalAzure.ServiceBus.LocalQueueOptions
            {
                Name = queue,
                LockDuration = TimeSpan.FromMinutes(1),
                RequiresDuplicateDetection = true,
            });
        }

        var stack = await LocalAzureStack.StartAsync(stackOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            return await BuildAsync(options, regions, stack, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<DevHostApp> BuildAsync(DevHostOptions options, List<string> regions, LocalAzureStack stack, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(options.ConsoleLogLevel);

        var settings = new Dictionary<string, string?>
        {
            ["MigrateHub:Directory:ConnectionString"] = stack.Directory.ConnectionString,
            ["MigrateHub:TaskHub"] = options.TaskHubName,
        };
        foreach (var region in regions)
        {
            settings[$"MigrateHub:Regions:{region}:ConnectionString"] = stack.Regions[region].ConnectionString;
            settings[$"MigrateHub:Regions:{region}:ServiceBusConnectionString"] = stack.ServiceBus[region].ConnectionString;
        }

        if (stack.Arm is not null)
        {
            settings["MigrateHub:Provisioning:LocalEndpoint"] = stack.Arm.Endpoint.ToString();
            settings["MigrateHub:Provisioning:LocalCertificateThumbprint"] = stack.Arm.CertificateThumbprint;
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMigrateHub(builder.Configuration);
        builder.Services.AddControllers();
        builder.Services.AddProblemDetails();

        var functions = FunctionCatalog.Read(typeof(MigrateHub.Functions.Projects.ProjectsApi).Assembly);
        var registry = new DurableRegistry().AddAssembly(typeof(MigrateHub.Orchestrations.Retries).Assembly);
        foreach (var type in options.ExtraDurableTypes)
        {
            registry.Add(type);
        }

        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<IReadOnlyDictionary<string, RegionalTaskHub>>(sp => regions.ToDictionary(
            r => r,
            r => new RegionalTaskHub(r, stack.Regions[r].ConnectionString, options.TaskHubName, registry, sp, sp.GetRequiredService<ILoggerFactory>(),
                options.DurableVisibilityTimeout),
            StringComparer.OrdinalIgnoreCase));
        builder.Services.AddSingleton(sp => new RoutingDurableTaskClient(
            sp.GetRequiredService<IReadOnlyDictionary<string, RegionalTaskHub>>(), regions[0], sp.GetRequiredService<ProjectDirectory>()));
        builder.Services.AddSingleton<Microsoft.DurableTask.Client.DurableTaskClient>(sp => sp.GetRequiredService<RoutingDurableTaskClient>());
        builder.Services.AddHostedService<Discovery.UploadQueueListener>();
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddSingleton<IEnumerable<FunctionEntry>>(functions);
        if (options.TimersEnabled)
        {
            builder.Services.AddHostedService<TimerScheduler>();
        }

        var app = builder.Build();
        var keyBytes = Encoding.UTF8.GetBytes(options.FunctionKey);
        MapFunctions(app, functions, keyBytes);
        var webhooks = app.MapGroup("/" + DurableHttpLinks.WebhookPath.TrimEnd('/'));
        webhooks.AddEndpointFilter((context, next) => Authorized(context.HttpContext, keyBytes) ? next(context) : ValueTask.FromResult<object?>(Unauthorized()));
        app.MapDurableWebhooks(webhooks);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Urls.First();
        var hubs = app.Services.GetRequiredService<IReadOnlyDictionary<string, RegionalTaskHub>>();
        await Task.WhenAll(hubs.Values.Select(h => h.StartWorkerAsync())).ConfigureAwait(false);
        return new DevHostApp(app, stack, hubs, address.TrimEnd('/') + "/", options);
    }

    private static void MapFunctions(WebApplication app, IReadOnlyList<FunctionEntry> functions, byte[] keyBytes)
    {
        foreach (var function in functions.Where(f => f.Http is not null))
        {
            var http = function.Http!;
            var route = "/api/" + (http.Route ?? function.Name);
            var methods = http.Methods?.Select(m => m.ToUpperInvariant()).ToArray() ?? ["GET", "POST"];
            var needsKey = http.AuthLevel is AuthorizationLevel.Function or AuthorizationLevel.Admin or AuthorizationLevel.System;
            app.MapMethods(route, methods, async context =>
            {
                if (needsKey && !Authorized(context, keyBytes))
                {
                    await Unauthorized().ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }

                await context.RequestServices.GetRequiredService<FunctionInvoker>().InvokeHttpAsync(function, context).ConfigureAwait(false);
            }).WithName(function.Name);
        }

        // The Functions host's admin endpoint for running a non-HTTP function now.
        app.MapPost("/admin/functions/{name}", async (string name, HttpContext context, FunctionInvoker invoker) =>
        {
            if (!Authorized(context, keyBytes))
            {
                return Unauthorized();
            }

            var function = functions.FirstOrDefault(f => f.Timer is not null && string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (function is null)
            {
                return Results.Problem(statusCode: 404, title: "Not found.", detail: $"No timer function '{name}'.");
            }

            await invoker.InvokeTimerAsync(function, context.RequestAborted).ConfigureAwait(false);
            return Results.Accepted();
        });
    }

    private static bool Authorized(HttpContext context, byte[] key)
    {
        var presented = context.Request.Headers["x-functions-key"].FirstOrDefault() ?? context.Request.Query["code"].FirstOrDefault();
        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), key);
    }

    private static IResult Unauthorized() => Results.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Unauthorized.",
        detail: "This call needs a key: send it in the 'x-functions-key' header or the 'code' query parameter.");

    /// <summary>Stops the API, the workers and the stand-ins.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await Task.WhenAll(Hubs.Values.Select(h => h.StopWorkerAsync(graceful: false).WaitAsync(TimeSpan.FromSeconds(5))))
            .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Stack.DisposeAsync().ConfigureAwait(false);
    }
}
