using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MigrateHub.Shared.Provisioning;

/// <summary>Registers the target provisioning client.</summary>
public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITargetProvisioningClient"/> over an ArmClient built by <see cref="ArmClientFactory.Create"/> from
    /// <see cref="ArmProvisioningOptions"/> bound to <see cref="ArmProvisioningOptions.SectionName"/>: managed identity in Azure,
    /// or the local ARM endpoint when <c>LocalEndpoint</c> and <c>LocalCertificateThumbprint</c> are set.
    /// </summary>
    public static IServiceCollection AddTargetProvisioning(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ArmProvisioningOptions>()
            .BindConfiguration(ArmProvisioningOptions.SectionName)
            .Validate(o => o.LocalEndpoint is null || (o.LocalEndpoint.Scheme == Uri.UriSchemeHttps && !string.IsNullOrWhiteSpace(o.LocalCertificateThumbprint)),
                "A local ARM endpoint must be https and needs LocalCertificateThumbprint.")
            .Validate(o => o.MaxRetries >= 0, "MaxRetries cannot be negative.")
            .ValidateOnStart();
        services.TryAddSingleton<ITargetProvisioningClient>(sp => new TargetProvisioningClient(
            ArmClientFactory.Create(sp.GetRequiredService<IOptions<ArmProvisioningOptions>>().Value),
            sp.GetService<ILogger<TargetProvisioningClient>>()));
        return services;
    }
}
