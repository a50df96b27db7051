using System.Diagnostics;

namespace MigrateHub.Infra.Tests;

/// <summary>Runs the Bicep CLI restored from NuGet (see tools/Bicep/Bicep.props).</summary>
public static class BicepCli
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        if (!File.Exists(Repository.BicepCli))
        {
            throw new InvalidOperationException(
                $"Bicep CLI not found at {Repository.BicepCli}; restore this project (dotnet restore tests/MigrateHub.Infra.Tests).");
        }

        var startInfo = new ProcessStartInfo(Repository.BicepCli)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // A null value removes the variable, so that the test machine's own environment cannot leak in.
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {Repository.BicepCli}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return new Result(process.ExitCode, standardOutput.GetAwaiter().GetResult(), standardError.GetAwaiter().GetResult());
    }
}
