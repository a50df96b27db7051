namespace MigrateHub.LocalAzure.Arm;
internal static class Placeholder { }
