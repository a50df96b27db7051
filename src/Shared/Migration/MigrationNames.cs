namespace MigrateHub.Shared.Migration;

/// <summary>Values of <c>migrationState</c> (DOMAIN.md §5).</summary>
public static class MigrationStates
{
    /// <summary>Not protected (never enabled, or disabled).</summary>
    public const string None = "None";
    /// <summary>Enable replication accepted; seed disks being created.</summary>
    public const string EnableMigrationInProgress = "EnableMigrationInProgress";
    /// <summary>Enable replication failed (seed disks could not be created).</summary>
    public const string EnableMigrationFailed = "EnableMigrationFailed";
    /// <summary>Disable (or complete migration) in progress.</summary>
    public const string DisableMigrationInProgress = "DisableMigrationInProgress";
    /// <summary>Disable failed.</summary>
    public const string DisableMigrationFailed = "DisableMigrationFailed";
    /// <summary>Initial replication (full copy) running.</summary>
    public const string InitialSeedingInProgress = "InitialSeedingInProgress";
    /// <summary>Initial replication failed.</summary>
    public const string InitialSeedingFailed = "InitialSeedingFailed";
    /// <summary>Initial replication done; delta cycles running.</summary>
    public const string Replicating = "Replicating";
    /// <summary>Cutover running.</summary>
    public const string MigrationInProgress = "MigrationInProgress";
    /// <summary>Cutover done; the Azure VM exists.</summary>
    public const string MigrationSucceeded = "MigrationSucceeded";
    /// <summary>Cutover failed.</summary>
    public const string MigrationFailed = "MigrationFailed";
    /// <summary>Migration completed (replication stopped, seed disks deleted).</summary>
    public const string MigrationCompletedWithInformation = "MigrationCompletedWithInformation";
    /// <summary>Cutover partially succeeded.</summary>
    public const string MigrationPartiallySucceeded = "MigrationPartiallySucceeded";
    /// <summary>Resume replication requested.</summary>
    public const string ResumeInProgress = "ResumeInProgress";
    /// <summary>Resume accepted; the next cycle restarts replication.</summary>
    public const string ResumeInitiated = "ResumeInitiated";
    /// <summary>Pause replication requested.</summary>
    public const string SuspendingProtection = "SuspendingProtection";
    /// <summary>Replication paused.</summary>
    public const string ProtectionSuspended = "ProtectionSuspended";
}

/// <summary>Values of <c>testMigrateState</c> (DOMAIN.md §5).</summary>
public static class TestMigrateStates
{
    /// <summary>No test migration (never run, or cleaned up).</summary>
    public const string None = "None";
    /// <summary>Test VM being created.</summary>
    public const string TestMigrationInProgress = "TestMigrationInProgress";
    /// <summary>Test VM created.</summary>
    public const string TestMigrationSucceeded = "TestMigrationSucceeded";
    /// <summary>Test migration failed (cleanup still needed).</summary>
    public const string TestMigrationFailed = "TestMigrationFailed";
    /// <summary>Test resources being deleted.</summary>
    public const string TestMigrationCleanupInProgress = "TestMigrationCleanupInProgress";
    /// <summary>Test migration partially succeeded.</summary>
    public const string TestMigrationPartiallySucceeded = "TestMigrationPartiallySucceeded";
    /// <summary>Test migration completed with information.</summary>
    public const string TestMigrationCompletedWithInformation = "TestMigrationCompletedWithInformation";
}

/// <summary>Values of <c>allowedOperations</c> (DOMAIN.md §5).</summary>
public static class AllowedOperationNames
{
    /// <summary>Disable replication (also completes a migration that succeeded).</summary>
    public const string DisableMigration = "DisableMigration";
    /// <summary>Cutover.</summary>
    public const string Migrate = "Migrate";
    /// <summary>Pause replication.</summary>
    public const string PauseReplication = "PauseReplication";
    /// <summary>Resume replication.</summary>
    public const string ResumeReplication = "ResumeReplication";
    /// <summary>Resynchronise (full copy again).</summary>
    public const string StartResync = "StartResync";
    /// <summary>Test migration.</summary>
    public const string TestMigrate = "TestMigrate";
    /// <summary>Delete the test migration's resources.</summary>
    public const string TestMigrateCleanup = "TestMigrateCleanup";
}

/// <summary>Replication health values.</summary>
public static class ReplicationHealths
{
    /// <summary>Not replicating.</summary>
    public const string None = "None";
    /// <summary>Cycles succeed.</summary>
    public const string Normal = "Normal";
    /// <summary>A cycle failed or went silent.</summary>
    public const string Warning = "Warning";
    /// <summary>Several cycles in a row failed or went silent.</summary>
    public const string Critical = "Critical";
}

/// <summary>User operations on a migration item (the API's verbs).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MigrationOperation>))]
public enum MigrationOperation
{
    /// <summary>Enable replication with target settings.</summary>
    EnableReplication,
    /// <summary>Test migration.</summary>
    TestMigrate,
    /// <summary>Test migration cleanup.</summary>
    TestMigrateCleanup,
    /// <summary>Cutover, optionally shutting down the source.</summary>
    Migrate,
    /// <summary>Complete migration: stop replication, delete seed disks.</summary>
    CompleteMigration,
    /// <summary>Pause replication.</summary>
    PauseReplication,
    /// <summary>Resume replication.</summary>
    ResumeReplication,
    /// <summary>Resynchronise.</summary>
    Resync,
    /// <summary>Disable replication.</summary>
    DisableReplication,
}
