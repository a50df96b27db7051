using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MigrateHub.LocalAzure.Arm;

/// <summary>
/// A local, in-memory, ARM-compatible HTTPS endpoint (resource groups, managed disks, VMs, VNets and NICs)
/// that the real <c>ArmClient</c> can talk to. For development and tests only.
/// </summary>
public sealed class LocalArm : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ArmService _service;
    private readonly X509Certificate2 _certificate;
    private int _stopped;

    private LocalArm(WebApplication app, ArmService service, X509Certificate2 certificate, Uri endpoint)
    {
        _app = app;
        _service = service;
        _certificate = certificate;
        Endpoint = endpoint;
    }

    /// <summary>Base address, https://127.0.0.1:PORT/.</summary>
    public Uri Endpoint { get; }

    /// <summary>SHA-1 thumbprint (hex) of the self-signed certificate created at start; trust it by thumbprint.</summary>
    public string CertificateThumbprint => _certificate.Thumbprint;

    /// <summary>The certificate the endpoint serves (public part is enough to trust it).</summary>
    public X509Certificate2 Certificate => _certificate;

    /// <summary>How many polls of a long-running operation answer "InProgress" before it completes (changeable at run time).</summary>
    public int PollsBeforeDone
    {
        get => _service.PollsBeforeDone;
        set => _service.PollsBeforeDone = value;
    }

    /// <summary>Starts the endpoint on 127.0.0.1 with a new self-signed certificate.</summary>
    public static async Task<LocalArm> StartAsync(LocalArmOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificate = CreateCertificate();
        var service = new ArmService(options, TimeProvider.System);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(LocalArm).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate));
        });

        var app = builder.Build();
        app.Run(context => HandleAsync(context, service));
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new LocalArm(app, service, certificate, new Uri($"https://127.0.0.1:{port}/"));
    }

    /// <summary>Resources held, optionally filtered by type (e.g. Microsoft.Compute/disks) and resource group (case-insensitive).</summary>
    public IReadOnlyList<ArmResourceSnapshot> Resources(string? type = null, string? resourceGroup = null) =>
        _service.Resources(type, resourceGroup);

    /// <summary>Ids of the resource groups held.</summary>
    public IReadOnlyList<string> ResourceGroups() => _service.ResourceGroups();

    /// <summary>Every request answered so far, in order.</summary>
    public IReadOnlyList<ArmRequestRecord> Requests() => _service.Requests();

    /// <summary>Forgets the request log.</summary>
    public void ClearRequests() => _service.ClearRequests();

    /// <summary>
    /// Makes the next <paramref name="count"/> calls of a kind fail before they are processed:
    /// <paramref name="resourceType"/> is an ARM type (see <see cref="ArmCallKinds"/>) or "*",
    /// <paramref name="method"/> an HTTP method or "*"; 429 answers carry Retry-After when given.
    /// </summary>
    public void InjectFaults(string resourceType, int count, int statusCode = 500, TimeSpan? retryAfter = null, string method = ArmCallKinds.Any)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _service.InjectFaults(method, resourceType, count, statusCode, retryAfter);
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> accepted operations of a kind fail asynchronously: the request is accepted
    /// (201/202), then the operation status turns "Failed" with this error, as Azure does for e.g. AllocationFailed.
    /// A failed PUT leaves the resource in provisioningState "Failed"; a failed DELETE leaves it in place.
    /// <paramref name="method"/> is PUT, POST (VM actions), DELETE or "*".
    /// </summary>
    public void InjectOperationFailures(string resourceType, int count, string code, string message, string method = ArmCallKinds.Any)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _service.InjectOperationFailures(method, resourceType, count, code, message);
    }

    /// <summary>Number of injected faults (including operation failures) not yet served.</summary>
    public int PendingFaults => _service.PendingFaults();

    /// <summary>Removes all injected faults.</summary>
    public void ClearFaults() => _service.ClearFaults();

    /// <summary>Accepts an extra VM size at run time.</summary>
    public void AddVmSize(VmSize size)
    {
        ArgumentNullException.ThrowIfNull(size);
        _service.AddVmSize(size);
    }

    /// <summary>Sets a region's vCPU quota at run time (what a granted quota increase does); VMs created from now on are checked against it.</summary>
    public void SetVcpuQuota(string location, int vcpus)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        ArgumentOutOfRangeException.ThrowIfNegative(vcpus);
        _service.SetVcpuQuota(location, vcpus);
    }

    /// <summary>vCPUs used by VMs of a subscription in a region (what the quota check counts).</summary>
    public int VcpuUsage(string subscriptionId, string location) => _service.VcpuUsage(subscriptionId, location);

    /// <summary>Stops the endpoint.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _certificate.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=MigrateHub LocalArm", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }

    private static async Task HandleAsync(HttpContext context, ArmService service)
    {
        var request = context.Request;
        var baseUri = $"https://{request.Host}/";
        var path = request.Path.Value ?? "/";
        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        ArmResponse response;
        if (path.StartsWith("/_localarm/", StringComparison.OrdinalIgnoreCase))
        {
            response = await HandleInspectionAsync(context, service, path, query);
        }
        else if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            response = ArmResponse.Error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        else
        {
            JsonNode? body = null;
            if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                try
                {
                    body = await JsonNode.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
                }
                catch (JsonException e)
                {
                    await WriteAsync(context, ArmResponse.Error(400, "InvalidRequestContent", $"The request content was invalid and could not be deserialized: '{e.Message}'."));
                    return;
                }
            }

            response = service.Handle(request.Method.ToUpperInvariant(), path, query, body, baseUri);
        }

        await WriteAsync(context, response);
    }

    private static async Task<ArmResponse> HandleInspectionAsync(HttpContext context, ArmService service, string path, Dictionary<string, string> query)
    {
        var what = path["/_localarm/".Length..].Trim('/');
        if (string.Equals(what, "resources", StringComparison.OrdinalIgnoreCase) && context.Request.Method == "GET")
        {
            query.TryGetValue("type", out var type);
            query.TryGetValue("resourceGroup", out var group);
            var items = service.Resources(type, group).Select(r => (JsonNode)JsonNode.Parse(r.Json)!);
            return new ArmResponse(200, new JsonObject { ["value"] = new JsonArray([.. items]) });
        }

        if (string.Equals(what, "requests", StringComparison.OrdinalIgnoreCase) && context.Request.Method == "GET")
        {
            var items = service.Requests().Select(r => (JsonNode)new JsonObject
            {
                ["method"] = r.Method,
                ["path"] = r.Path,
                ["apiVersion"] = r.ApiVersion,
                ["resourceType"] = r.ResourceType,
                ["statusCode"] = r.StatusCode,
            });
            return new ArmResponse(200, new JsonObject { ["value"] = new JsonArray([.. items]) });
        }

        if (string.Equals(what, "faults", StringComparison.OrdinalIgnoreCase) && context.Request.Method == "POST")
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
            var resourceType = body?["resourceType"]?.GetValue<string>() ?? ArmCallKinds.Any;
            var method = body?["method"]?.GetValue<string>() ?? ArmCallKinds.Any;
            var count = body?["count"]?.GetValue<int>() ?? 1;
            var status = body?["statusCode"]?.GetValue<int>() ?? 500;
            var retryAfter = body?["retryAfterSeconds"]?.GetValue<double>();
            service.InjectFaults(method, resourceType, count, status, retryAfter is null ? null : TimeSpan.FromSeconds(retryAfter.Value));
            return new ArmResponse(204);
        }

        if (string.Equals(what, "faults", StringComparison.OrdinalIgnoreCase) && context.Request.Method == "DELETE")
        {
            service.ClearFaults();
            return new ArmResponse(204);
        }

        return ArmResponse.Error(404, "NotFound", "Inspection endpoints: GET /_localarm/resources?type=&resourceGroup=, GET /_localarm/requests, POST|DELETE /_localarm/faults.");
    }

    private static async Task WriteAsync(HttpContext context, ArmResponse response)
    {
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(response.Body.ToJsonString(), context.RequestAborted);
        }
    }
}
