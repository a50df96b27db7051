namespace MigrateHub.Shared.Provisioning;

/// <summary>
/// Creates and removes the Azure resources of a migration. Every method takes and returns serialisable records
/// (for durable activities), is idempotent (a retry reuses what exists; deleting what is gone succeeds), retries
/// throttling and transient errors, and on failure throws <see cref="ProvisioningException"/> after deleting what
/// the call itself created.
/// </summary>
public interface ITargetProvisioningClient
{
    /// <summary>Creates the seed disks replication writes into (empty, imported from a VHD blob, or copied from a snapshot); returns the disks with <see cref="MachineDisk.SeedDiskResourceId"/> set.</summary>
    Task<MachineDisks> CreateSeedDisksAsync(TargetSettings target, MachineDisks sourceDisks, CancellationToken cancellationToken);

    /// <summary>Creates <c>&lt;vm&gt;-test</c> from copies of the seed disks in its own isolated virtual network.</summary>
    Task<ProvisionedResources> CreateTestMigrationAsync(TargetSettings target, MachineDisks replicatedDisks, CancellationToken cancellationToken);

    /// <summary>Deletes everything a test migration created: VM, NIC, disk copies, test network.</summary>
    Task<CleanupResult> CleanupTestMigrationAsync(TargetSettings target, CancellationToken cancellationToken);

    /// <summary>Creates the migrated VM from copies of the seed disks in the target network (UEFI -> Gen2, BIOS -> Gen1).</summary>
    Task<ProvisionedResources> CreateCutoverAsync(TargetSettings target, MachineDisks replicatedDisks, CancellationToken cancellationToken);

    /// <summary>Complete migration: deletes the seed disks.</summary>
    Task<CleanupResult> DeleteSeedDisksAsync(TargetSettings target, MachineDisks seedDisks, CancellationToken cancellationToken);
}
