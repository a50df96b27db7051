namespace MigrateHub.Shared.Migration;

/// <summary>Where a server runs and where it goes.</summary>
public static class MigrationPlatforms
{
    /// <summary>On-premises (VMware, Hyper-V, physical, other).</summary>
    public const string OnPremises = "OnPremises";

    /// <summary>Azure VMware Solution.</summary>
    public const string AzureVmwareSolution = "AzureVMwareSolution";

    /// <summary>Azure VMs.</summary>
    public const string Azure = "Azure";
}

/// <summary>The replication path a server takes.</summary>
public static class ReplicationPaths
{
    /// <summary>Agentless VMware: the appliance snapshots the VM and uploads the changed blocks.</summary>
    public const string AgentlessVmware = "AgentlessVMware";

    /// <summary>Agent-based (Hyper-V, physical, other): a mobility agent on the server replicates.</summary>
    public const string AgentBased = "AgentBased";

    /// <summary>The path of a discovered source type ("VMware", "HyperV", "Physical", "Other").</summary>
    public static string For(string? sourceType) =>
        string.Equals(sourceType, "VMware", StringComparison.OrdinalIgnoreCase) ? AgentlessVmware : AgentBased;
}

/// <summary>Whether a server may be migrated to a target platform.</summary>
public static class MigrationEligibility
{
    /// <summary>Whether a vCenter host name is an Azure VMware Solution private cloud's.</summary>
    public static bool IsAvsHost(string? vcenterHost) =>
        vcenterHost is not null && vcenterHost.TrimEnd('.').EndsWith(".avs.azure.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason a migration is refused, or null when it is supported.</summary>
    /// <param name="sourcePlatform">A <see cref="MigrationPlatforms"/> value for the source (null: on-premises).</param>
    /// <param name="targetPlatform">A <see cref="MigrationPlatforms"/> value for the target (null: Azure).</param>
    public static string? RefusalReason(string? sourcePlatform, string? targetPlatform)
    {
        var source = string.IsNullOrWhiteSpace(sourcePlatform) ? MigrationPlatforms.OnPremises : sourcePlatform;
        var target = string.IsNullOrWhiteSpace(targetPlatform) ? MigrationPlatforms.Azure : targetPlatform;
        if (string.Equals(source, MigrationPlatforms.AzureVmwareSolution, StringComparison.OrdinalIgnoreCase)
            && string.Equals(target, MigrationPlatforms.Azure, StringComparison.OrdinalIgnoreCase))
        {
            return "Migrating servers from Azure VMware Solution to Azure is not supported; on-premises servers can be migrated to Azure or to Azure VMware Solution.";
        }

        return null;
    }
}
