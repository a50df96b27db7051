using System.Net.Security;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;

namespace MigrateHub.Shared.Provisioning;

/// <summary>Settings for the ARM client used to create target resources.</summary>
public sealed class ArmProvisioningOptions
{
    /// <summary>Configuration section name (app settings <c>MigrateHub__Provisioning__*</c>; none are needed in Azure).</summary>
    public const string SectionName = "MigrateHub:Provisioning";

    /// <summary>Client id of a user-assigned managed identity; null leaves DefaultAzureCredential's own default (AZURE_CLIENT_ID).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Local ARM-compatible endpoint (https); when set, the client talks to it instead of Azure.</summary>
    public Uri? LocalEndpoint { get; set; }

    /// <summary>SHA-1 thumbprint of the local endpoint's certificate, trusted by thumbprint only.</summary>
    public string? LocalCertificateThumbprint { get; set; }

    /// <summary>Retries of throttled (429, honouring Retry-After) and transient (408, 5xx) responses.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay (exponential back-off from here).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>api-version for Microsoft.Network resources created as generic resources.</summary>
    public string NetworkApiVersion { get; set; } = "2023-09-01";
}

/// <summary>A credential returning a fixed bearer token: for the local ARM endpoint only.</summary>
public sealed class DevelopmentTokenCredential(string token = "migratehub-local-development-token") : TokenCredential
{
    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(token, DateTimeOffset.UtcNow.AddHours(1));

    /// <inheritdoc />
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}

/// <summary>Builds <see cref="ArmClient"/>s for Azure (managed identity) and for the local ARM endpoint.</summary>
public static class ArmClientFactory
{
    /// <summary>Network resource types the hub creates as generic resources; their api-version is pinned.</summary>
    public static readonly IReadOnlyList<string> NetworkResourceTypes =
    [
        "Microsoft.Network/virtualNetworks",
        "Microsoft.Network/virtualNetworks/subnets",
        "Microsoft.Network/networkInterfaces",
    ];

    /// <summary>Client for Azure: <see cref="DefaultAzureCredential"/> (managed identity in Azure) unless a credential is given.</summary>
    public static ArmClient CreateAzure(ArmProvisioningOptions options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (credential is null)
        {
            var credentialOptions = new DefaultAzureCredentialOptions();
            if (options.ManagedIdentityClientId is { } clientId)
            {
                credentialOptions.ManagedIdentityClientId = clientId;
            }

            credential = new DefaultAzureCredential(credentialOptions);
        }

        return new ArmClient(credential, defaultSubscriptionId: null, CreateClientOptions(options));
    }

    /// <summary>Client for the local ARM endpoint: its certificate is trusted by thumbprint, a fixed development token is sent.</summary>
    public static ArmClient CreateLocal(Uri endpoint, string certificateThumbprint, ArmProvisioningOptions? options = null, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateThumbprint);
        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("The ARM endpoint must be https (Azure.Core sends bearer tokens over https only).", nameof(endpoint));
        }

        var clientOptions = CreateClientOptions(options ?? new ArmProvisioningOptions());
        clientOptions.Environment = new ArmEnvironment(endpoint, "https://management.azure.com/");
        clientOptions.Transport = new HttpClientTransport(CreateThumbprintHandler(certificateThumbprint));
        return new ArmClient(credential ?? new DevelopmentTokenCredential(), defaultSubscriptionId: null, clientOptions);
    }

    /// <summary>Picks <see cref="CreateLocal"/> when <see cref="ArmProvisioningOptions.LocalEndpoint"/> is set, else <see cref="CreateAzure"/>.</summary>
    public static ArmClient Create(ArmProvisioningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.LocalEndpoint is { } endpoint
            ? CreateLocal(endpoint, options.LocalCertificateThumbprint ?? throw new InvalidOperationException(
                $"{ArmProvisioningOptions.SectionName}:{nameof(ArmProvisioningOptions.LocalCertificateThumbprint)} is required with a local endpoint."), options)
            : CreateAzure(options);
    }

    /// <summary>Client options: retry policy (Azure.Core's, honouring Retry-After) and pinned network api-versions.</summary>
    public static ArmClientOptions CreateClientOptions(ArmProvisioningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new ArmClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        foreach (var type in NetworkResourceTypes)
        {
            clientOptions.SetApiVersion(new ResourceType(type), options.NetworkApiVersion);
        }

        return clientOptions;
    }

    private static HttpClientHandler CreateThumbprintHandler(string thumbprint) => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None ||
            (certificate is not null && string.Equals(certificate.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase)),
    };
}
