import ArgumentParser
import Desktop
import Imaging
import Session

struct Find: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find a PNG image on the screen and print where it is.",
        discussion: """
            Examples:
              foredesk find ok-button.png
              foredesk find icon.png --tolerance 8 --min-score 0.95 --all --json
              foredesk click $(foredesk find ok-button.png --center)

            Prints x y width height score per match, best first. Exits 1 when the image is not on the screen.
            """)

    @OptionGroup var display: DisplayOption
    @Argument(help: "The PNG image to look for.") var image: String
    @Option(help: ArgumentHelp("Largest per-channel difference a pixel may have and still match (0-255).", valueName: "n"))
    var tolerance: Int = 0
    @Option(name: .customLong("min-score"), help: ArgumentHelp("Fraction of pixels that must match (0-1).", valueName: "s"))
    var minScore: Double = 1.0
    @Option(help: ArgumentHelp("Search only this rectangle of the screen.", valueName: "x,y,w,h")) var region: String?
    @Flag(help: "Print every match, not only the best.") var all = false
    @Flag(help: "Print only the best match's centre as 'x y'.") var center = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if !(0...255).contains(tolerance) { throw ValidationError("--tolerance must be 0 to 255 (got \(tolerance))") }
        if !(minScore > 0 && minScore <= 1) { throw ValidationError("--min-score must be in (0, 1] (got \(minScore))") }
        if let region, Rect(parsing: region) == nil {
            throw ValidationError("--region wants x,y,width,height with a positive size (got '\(region)')")
        }
    }

    func run() throws {
        try reporting {
            let template = try Frame(contentsOfPNG: image)
            let desktop = try display.open()
            let screen = try desktop.capture()
            let options = SearchOptions(
                tolerance: tolerance, minScore: minScore, region: region.flatMap(Rect.init(parsing:)),
                maxMatches: all ? 100 : 1)
            let matches = try screen.find(template, options: options)
            guard let best = matches.first else {
                throw CommandFailure.action("\(image) (\(template.width)x\(template.height)) is not on the screen")
            }
            let shown = all ? matches : [best]
            if center {
                print("\(best.center.x) \(best.center.y)")
            } else if json {
                let items = shown.map { match in
                    JSONValue.object([
                        .init("x", .int(match.rect.x)), .init("y", .int(match.rect.y)),
                        .init("width", .int(match.rect.width)), .init("height", .int(match.rect.height)),
                        .init("score", .double(match.score)), .init("center_x", .int(match.center.x)),
                        .init("center_y", .int(match.center.y)),
                    ])
                }
                print((all ? JSONValue.array(items) : items[0]).rendered)
            } else {
                for match in shown {
                    print("\(match.rect.x) \(match.rect.y) \(match.rect.width) \(match.rect.height) \(match.score)")
                }
            }
        }
    }
}
