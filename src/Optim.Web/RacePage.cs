using System;
using System.Linq;
using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using System.Text.Json;
using ScratchOptim.Race;
using ScratchOptim.Race.Landscapes;

namespace ScratchOptim.Web;

/// <summary>
/// What the page calls (wwwroot/app.js): the catalogue once, then a race whenever a setting changes. Races run
/// through <see cref="RaceEngine"/>, the same code as <c>optim race</c>, on the library's generated kernels.
/// </summary>
[SupportedOSPlatform("browser")]
public static partial class RacePage
{
    private static PageRacers? racers;
    private static RaceView? view;

    /// <summary>
    /// The landscapes whose position is a vector (<see cref="LandscapeCatalog.Vectors"/>: matrix landscapes need native
    /// OpenBLAS) and the racers as JSON (see <see cref="CatalogJson"/>). <paramref name="assemblies"/> names the
    /// assemblies the site was built with; the optimizers declared in any of them are offered.
    /// </summary>
    [JSExport]
    public static string Catalog(string[] assemblies)
    {
        racers = new PageRacers(OptimizerRegistries.Find(assemblies));
        return CatalogJson.Write(LandscapeCatalog.Vectors, racers);
    }

    /// <summary>
    /// Runs a race (<see cref="RaceRequest"/>) and returns every racer's path and losses, projected onto the map.
    /// The map (<see cref="RaceView"/>, with its loss grid) is sent when it changes: on a new landscape, or when
    /// the request asks to fit it to this race. Bad settings come back as <c>{"error": "..."}</c>.
    /// </summary>
    [JSExport]
    public static string Race(string request)
    {
        try
        {
            var parsed = RaceRequest.Parse(request, racers ?? throw new InvalidOperationException("Catalog() comes first."));
            var race = RaceEngine.Run(parsed.Landscape, parsed.Entries, parsed.Settings);
            bool newView = parsed.FitView || view is null || view.Landscape != parsed.Landscape;
            if (newView) view = RaceView.Fit(race);
            return RaceJson.Write(race, view!, newView);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            return Json.Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("error", exception.Message);
                writer.WriteEndObject();
            });
        }
    }

    /// <summary>The landscape's position at the map's (<paramref name="x"/>, <paramref name="y"/>): where a click sets the start.</summary>
    [JSExport]
    public static double[] Lift(double x, double y) =>
        (view ?? throw new InvalidOperationException("Race() comes first: there is no map yet.")).Plane.Lift(x, y);
}
