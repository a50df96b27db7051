using System.Diagnostics;

namespace MigrateHub.LocalAzure;

/// <summary>
/// Finds the Azurite that the repository pins in package.json / package-lock.json, installing it
/// with <c>npm ci</c> the first time if node_modules is missing.
/// </summary>
public static class AzuriteInstallation
{
    private static readonly Lock Gate = new();

    /// <summary>The repository root: the folder above the running code that holds package.json.</summary>
    public static string FindRepositoryRoot()
    {
        var builtFrom = typeof(AzuriteInstallation).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "MigrateHub.RepositoryRoot")?.Value;
        var starts = new[] { Environment.GetEnvironmentVariable("MIGRATEHUB_REPO_ROOT"), AppContext.BaseDirectory, Directory.GetCurrentDirectory(), builtFrom };
        foreach (var start in starts.OfType<string>().Where(s => s.Length > 0 && Directory.Exists(s)))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) &&
                    File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            "Could not find the MigrateHub repository root (a folder with package.json and Serverless.sln) " +
            "above the running program or the current directory.");
    }

    /// <summary>Path of Azurite's main script, installing the pinned version if needed.</summary>
    public static string FindAzuriteScript()
    {
        var overridden = Environment.GetEnvironmentVariable("MIGRATEHUB_AZURITE_SCRIPT");
        if (!string.IsNullOrEmpty(overridden))
        {
            return overridden;
        }

        var root = FindRepositoryRoot();
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        lock (Gate)
        {
            if (!File.Exists(script))
            {
                RunNpmCi(root);
            }
        }

        return File.Exists(script)
            ? script
            : throw new InvalidOperationException($"Azurite is not installed at {script} even after 'npm ci'.");
    }

    private static void RunNpmCi(string root)
    {
        var startInfo = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("ci");
        startInfo.ArgumentList.Add("--no-audit");
        startInfo.ArgumentList.Add("--no-fund");
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException("Could not start 'npm ci' (is Node.js 20 installed?).");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {root} failed with exit code {process.ExitCode}.");
        }
    }
}
