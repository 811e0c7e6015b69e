package io.pdlab.reports;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A report as a list of blocks, rendered twice: to one self-contained HTML file (inline CSS,
 * charts as {@code data:image/png;base64} URIs) and to Markdown (the same text and tables; charts
 * are named, not embedded). One model for both keeps the two reports saying the same thing.
 */
final class Doc {
  /** A table cell with an optional CSS class (HTML only). */
  record Cell(String text, String cssClass) {
    static Cell of(String text) {
      return new Cell(text, null);
    }
  }

  private sealed interface Block permits Heading, Para, Bullets, Table, Image, Pre, Svg {}

  private record Heading(int level, String id, String text) implements Block {}

  private record Para(String text) implements Block {}

  private record Bullets(List<String> items) implements Block {}

  private record Table(List<String> header, List<List<Cell>> rows) implements Block {}

  private record Image(String alt, byte[] png) implements Block {}

  private record Pre(List<String> lines) implements Block {}

  /** An inline SVG chart (HTML); in Markdown, {@code fallback} as preformatted text. */
  private record Svg(String alt, String svg, List<String> fallback) implements Block {}

  private final String title;
  private final List<Block> blocks = new ArrayList<>();

  Doc(String title) {
    this.title = title;
  }

  Doc heading(int level, String id, String text) {
    blocks.add(new Heading(level, id, text));
    return this;
  }

  Doc para(String text) {
    blocks.add(new Para(text));
    return this;
  }

  Doc bullets(List<String> items) {
    blocks.add(new Bullets(List.copyOf(items)));
    return this;
  }

  Doc table(List<String> header, List<List<Cell>> rows) {
    blocks.add(new Table(List.copyOf(header), List.copyOf(rows)));
    return this;
  }

  /**
   * An SVG chart drawn inline in the HTML; Markdown cannot embed it, so it says so and shows
   * {@code fallback} as preformatted text.
   */
  Doc svg(String alt, String svg, List<String> fallback) {
    blocks.add(new Svg(alt, svg, List.copyOf(fallback)));
    return this;
  }

  Doc image(String alt, byte[] png) {
    blocks.add(new Image(alt, png));
    return this;
  }

  Doc pre(List<String> lines) {
    blocks.add(new Pre(List.copyOf(lines)));
    return this;
  }

  private static final String CSS = String.join("\n",
      "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:2em auto;",
      "max-width:1100px;padding:0 1em;color:#212121;line-height:1.45}",
      "h1,h2,h3{line-height:1.2}",
      "h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}",
      "table{border-collapse:collapse;margin:1em 0;font-size:.85em}",
      "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}",
      "th{background:#f5f5f5}tr:nth-child(even) td{background:#fafafa}",
      "pre{background:#f6f8fa;padding:.8em;overflow-x:auto;font-size:.85em}",
      "img{max-width:100%;height:auto;display:block;margin:1em 0}",
      "td.o-ok{background:#c8e6c9!important}td.o-degraded{background:#fff59d!important}",
      "td.o-stuck{background:#ffcc80!important}td.o-split-brain{background:#ef9a9a!important}",
      "td.o-data-loss{background:#ce93d8!important}");

  String html() {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(title)).append("</title>\n<style>\n").append(CSS).append("\n</style>\n")
        .append("</head>\n<body>\n");
    for (Block block : blocks) {
      if (block instanceof Heading h) {
        b.append("<h").append(h.level()).append(" id=\"").append(esc(h.id())).append("\">")
            .append(esc(h.text())).append("</h").append(h.level()).append(">\n");
      } else if (block instanceof Para p) {
        b.append("<p>").append(esc(p.text())).append("</p>\n");
      } else if (block instanceof Bullets l) {
        b.append("<ul>\n");
        l.items().forEach(i -> b.append("<li>").append(esc(i)).append("</li>\n"));
        b.append("</ul>\n");
      } else if (block instanceof Table t) {
        b.append("<table>\n<thead><tr>");
        t.header().forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
        b.append("</tr></thead>\n<tbody>\n");
        for (List<Cell> row : t.rows()) {
          b.append("<tr>");
          for (Cell c : row) {
            b.append(c.cssClass() == null ? "<td>" : "<td class=\"" + esc(c.cssClass()) + "\">")
                .append(esc(c.text())).append("</td>");
          }
          b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
      } else if (block instanceof Image i) {
        b.append("<img alt=\"").append(esc(i.alt())).append("\" src=\"data:image/png;base64,")
            .append(Base64.getEncoder().encodeToString(i.png())).append("\">\n");
      } else if (block instanceof Svg v) {
        b.append("<figure>").append(v.svg()).append("<figcaption>").append(esc(v.alt()))
            .append("</figcaption></figure>\n");
      } else if (block instanceof Pre p) {
        b.append("<pre>");
        p.lines().forEach(l -> b.append(esc(l)).append('\n'));
        b.append("</pre>\n");
      }
    }
    return b.append("</body>\n</html>\n").toString();
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    for (Block block : blocks) {
      if (b.length() > 0) {
        b.append('\n');
      }
      if (block instanceof Heading h) {
        b.append("#".repeat(h.level())).append(' ').append(h.text()).append('\n');
      } else if (block instanceof Para p) {
        b.append(p.text()).append('\n');
      } else if (block instanceof Bullets l) {
        l.items().forEach(i -> b.append("- ").append(i).append('\n'));
      } else if (block instanceof Table t) {
        b.append('|');
        t.header().forEach(h -> b.append(' ').append(cell(h)).append(" |"));
        b.append("\n|");
        t.header().forEach(h -> b.append(" --- |"));
        b.append('\n');
        for (List<Cell> row : t.rows()) {
          b.append('|');
          row.forEach(c -> b.append(' ').append(cell(c.text())).append(" |"));
          b.append('\n');
        }
      } else if (block instanceof Image i) {
        b.append("*Chart: ").append(i.alt()).append(" (embedded in report.html).*\n");
      } else if (block instanceof Svg v) {
        b.append("*Chart: ").append(v.alt()).append(" (drawn in report.html).*\n\n```\n");
        v.fallback().forEach(l -> b.append(l).append('\n'));
        b.append("```\n");
      } else if (block instanceof Pre p) {
        b.append("```\n");
        p.lines().forEach(l -> b.append(l).append('\n'));
        b.append("```\n");
      }
    }
    return b.toString();
  }

  byte[] htmlBytes() {
    return html().getBytes(StandardCharsets.UTF_8);
  }

  byte[] markdownBytes() {
    return markdown().getBytes(StandardCharsets.UTF_8);
  }

  private static String cell(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
