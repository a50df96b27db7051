using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MigrateHub.Shared.Provisioning;

namespace MigrateHub.LocalAzure.Arm.Tests;

public sealed class ArmClientFactoryTests
{
    [Fact]
    public void ClientOptions_ConfigureAzureCoreRetries()
    {
        var options = ArmClientFactory.CreateClientOptions(new ArmProvisioningOptions { MaxRetries = 7, RetryDelay = TimeSpan.FromSeconds(3), MaxRetryDelay = TimeSpan.FromSeconds(30) });

        Assert.Equal(7, options.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Retry.MaxDelay);
        Assert.Equal(RetryMode.Exponential, options.Retry.Mode);
    }

    [Fact]
    public async Task NetworkResources_UseThePinnedApiVersion_WithoutProviderLookups()
    {
        await using var arm = await LocalArm.StartAsync(new LocalArmOptions());
        var client = ArmClientFactory.CreateLocal(arm.Endpoint, arm.CertificateThumbprint, new ArmProvisioningOptions { MaxRetries = 0, NetworkApiVersion = "2024-01-01" });
        var subscription = client.GetSubscriptionResource(Azure.ResourceManager.Resources.SubscriptionResource.CreateResourceIdentifier(ArmTestHost.SubscriptionId));
        await subscription.GetResourceGroups().CreateOrUpdateAsync(Azure.WaitUntil.Completed, "rg-api", new Azure.ResourceManager.Resources.ResourceGroupData(new AzureLocation("westeurope")));
        var target = ArmTestHost.Target("rg-api", "api01");
        var seeds = await new TargetProvisioningClient(client).CreateSeedDisksAsync(target, ArmTestHost.SourceDisks(0), CancellationToken.None);

        await new TargetProvisioningClient(client).CreateTestMigrationAsync(target, seeds, CancellationToken.None);

        var network = arm.Requests().Where(r => r.ResourceType.StartsWith("Microsoft.Network/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(network);
        Assert.All(network, r => Assert.Equal("2024-01-01", r.ApiVersion));
        Assert.DoesNotContain(arm.Requests(), r => r.ResourceType == "Microsoft.Resources/providers"); // no GET /subscriptions/x/providers/Microsoft.Network
    }

    [Fact]
    public void CreateLocal_RefusesPlainHttp()
    {
        var error = Assert.Throws<ArgumentException>(() => ArmClientFactory.CreateLocal(new Uri("http://127.0.0.1:5000/"), "AB12"));
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevelopmentCredential_ReturnsItsFixedToken()
    {
        var token = await new DevelopmentTokenCredential("t-1").GetTokenAsync(new TokenRequestContext(["https://management.azure.com/.default"]), default);
        Assert.Equal("t-1", token.Token);
        Assert.True(token.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task AddTargetProvisioning_WithLocalSettings_TalksToTheLocalEndpoint()
    {
        await using var arm = await LocalArm.StartAsync(new LocalArmOptions());
        using var provider = Services(new Dictionary<string, string?>
        {
            ["MigrateHub:Provisioning:LocalEndpoint"] = arm.Endpoint.ToString(),
            ["MigrateHub:Provisioning:LocalCertificateThumbprint"] = arm.CertificateThumbprint,
            ["MigrateHub:Provisioning:MaxRetries"] = "0",
        });
        var client = provider.GetRequiredService<ITargetProvisioningClient>();

        var error = await Assert.ThrowsAsync<ProvisioningException>(() =>
            client.CreateSeedDisksAsync(ArmTestHost.Target("rg-absent", "di01"), ArmTestHost.SourceDisks(), CancellationToken.None));

        Assert.Equal("ResourceGroupNotFound", error.ErrorCode); // the endpoint answered: TLS by thumbprint and the token worked
        Assert.Contains(arm.Requests(), r => r.Path.EndsWith("/resourcegroups/rg-absent", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void AddTargetProvisioning_RejectsALocalEndpointWithoutThumbprint()
    {
        using var provider = Services(new Dictionary<string, string?> { ["MigrateHub:Provisioning:LocalEndpoint"] = "https://127.0.0.1:1/" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ArmProvisioningOptions>>().Value);
        Assert.Contains("LocalCertificateThumbprint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTargetProvisioning_WithoutLocalSettings_BuildsTheAzureClient()
    {
        using var provider = Services([]);

        Assert.IsType<TargetProvisioningClient>(provider.GetRequiredService<ITargetProvisioningClient>());
        Assert.Null(provider.GetRequiredService<IOptions<ArmProvisioningOptions>>().Value.LocalEndpoint);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddTargetProvisioning();
        return services.BuildServiceProvider();
    }
}
