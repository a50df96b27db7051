using System.Collections.Concurrent;
using System.Diagnostics;

namespace MigrateHub.LocalAzure;

/// <summary>
/// Remembers the child processes the stand-ins start and kills any still running when this process
/// exits or is interrupted (Ctrl+C), so that no Azurite is left behind.
/// </summary>
internal static class ChildProcessRegistry
{
    private static readonly ConcurrentDictionary<int, Process> Children = new();
    private static int _hooked;

    public static void Track(Process process)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            Console.CancelKeyPress += (_, _) => KillAll();
        }

        Children[process.Id] = process;
    }

    public static void Untrack(Process process) => Children.TryRemove(process.Id, out _);

    private static void KillAll()
    {
        foreach (var process in Children.Values)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }

        Children.Clear();
    }
}
