namespace MigrateHub.Shared.Storage;

/// <summary>
/// The storage of a region (or of the global directory) could not be reached. Requests for
/// projects in that region answer 503 with the region's name; other regions are unaffected.
/// </summary>
public sealed class RegionUnavailableException : Exception
{
    /// <summary>Creates the exception for a region.</summary>
    public RegionUnavailableException(string region, Exception? innerException = null)
        : base($"The storage of region '{region}' is unavailable.", innerException)
    {
        Region = region;
    }

    /// <summary>The region whose storage failed (or <c>directory</c>).</summary>
    public string Region { get; }
}
