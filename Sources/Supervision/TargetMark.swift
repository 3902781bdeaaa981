public import Imaging

extension Frame {
    /// The frame with point marked: a red square ring and cross hairs around it, for the approval card.
    public func marking(_ point: Point) -> Frame {
        var marked = self
        let red = Color(red: 0xe0, green: 0x20, blue: 0x30)
        let white = Color(red: 0xff, green: 0xff, blue: 0xff)
        // Big enough to see on a phone, where a 1920-pixel screen shows 390 wide.
        let ring = max(18, width / 48)
        let line = max(3, width / 320)
        let arm = ring
        for (color, grow) in [(white, 1), (red, 0)] {
            let outer = ring + grow
            let width = line + 2 * grow
            let box = Rect(x: point.x - outer, y: point.y - outer, width: 2 * outer + 1, height: 2 * outer + 1)
            let edges = [
                Rect(x: box.x, y: box.y, width: box.width, height: width),
                Rect(x: box.x, y: box.maxY - width, width: box.width, height: width),
                Rect(x: box.x, y: box.y, width: width, height: box.height),
                Rect(x: box.maxX - width, y: box.y, width: width, height: box.height),
                // Cross hairs outside the ring, so the target itself stays visible.
                Rect(x: point.x - outer - arm, y: point.y - width / 2, width: arm, height: width),
                Rect(x: box.maxX, y: point.y - width / 2, width: arm, height: width),
                Rect(x: point.x - width / 2, y: point.y - outer - arm, width: width, height: arm),
                Rect(x: point.x - width / 2, y: box.maxY, width: width, height: arm),
            ]
            for edge in edges {
                marked.fill(edge, with: color)
            }
        }
        return marked
    }
}
