package dev.timewait.analyzer.report;

import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.owners.Owner;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.DestinationUse;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Severity;
import java.util.Map;

/**
 * The report as one self-contained HTML file: Chart.js and the data are embedded, nothing is loaded
 * from the network. Every string from the host or the agent is escaped; chart data travels as JSON
 * in a {@code <script type="application/json">} element with {@code <}, {@code >} and {@code &}
 * written as unicode escapes.
 */
public final class HtmlReport implements ReportRenderer {

  /**
   * Tables scroll sideways inside their own box rather than squeezing: numbers, roles and short
   * words never wrap, only code frames and host strings break, between their parts.
   */
  private static final String STYLE =
      """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}
      header,main{max-width:1440px;margin:0 auto;padding:16px 24px;box-sizing:border-box}
      header{background:#1d2329;color:#fff;max-width:none}
      header h1{margin:0;font-size:20px} header p{margin:4px 0 0;color:#c9d1d9;overflow-wrap:anywhere}
      @media (max-width:600px){header,main{padding:12px}}
      .alert{border:3px solid #b00020;background:#fdecee;color:#5f0010;padding:12px 16px;margin:16px 0;border-radius:6px;overflow-wrap:anywhere}
      .alert h2{margin:0 0 6px;font-size:18px;color:#b00020}
      .verdict{border:3px solid #1e7b34;background:#eaf6ec;color:#0f3d1a;padding:12px 16px;margin:16px 0;border-radius:6px}
      .verdict h2{margin:0 0 6px;font-size:18px;color:#1e7b34}
      .finding{background:#fff;border-left:6px solid #888;margin:12px 0;padding:10px 16px;border-radius:4px;box-shadow:0 1px 2px #0002;overflow-wrap:anywhere}
      .finding.critical{border-color:#b00020} .finding.warning{border-color:#d98300} .finding.info{border-color:#2f6fb5}
      .sev{display:inline-block;font-weight:700;font-size:12px;padding:1px 8px;border-radius:10px;color:#fff;margin-right:6px}
      .sev.critical{background:#b00020} .sev.warning{background:#d98300} .sev.info{background:#2f6fb5}
      .finding h3{margin:4px 0;font-size:16px} .id{font-family:ui-monospace,monospace;color:#555}
      .rec{background:#f1f8f1;border:1px solid #cfe6cf;padding:8px 12px;border-radius:4px}
      code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
      .scroll{overflow-x:auto;margin:8px 0 16px}
      table{border-collapse:collapse;width:100%;background:#fff}
      table.kv{width:auto;min-width:50%}
      th,td{border:1px solid #dde1e6;padding:4px 8px;text-align:left;vertical-align:top;white-space:nowrap}
      th{background:#eef1f4} td.n{text-align:right;font-variant-numeric:tabular-nums}
      td.frame{white-space:normal;overflow-wrap:break-word;min-width:18em}
      table.kv th{white-space:normal} .evidence{padding-left:18px}
      td.text{white-space:normal;overflow-wrap:anywhere;min-width:10em}
      .charts{display:grid;grid-template-columns:1fr;gap:16px}
      .chart{background:#fff;padding:12px;border-radius:4px;box-shadow:0 1px 2px #0002;min-width:0}
      .chart h3{margin:0 0 8px;font-size:15px} .chart .box{position:relative;height:300px}
      .nodata{color:#666;font-style:italic}
      a{color:#1f5fa8}
      details.stack{background:#fff;margin:4px 0;padding:4px 10px;border-radius:4px;box-shadow:0 1px 2px #0002}
      details.stack pre{margin:6px 0;white-space:pre-wrap}
      """;

  /**
   * Records script errors, console errors and blocked loads in a {@code data-errors} attribute of
   * the root element, where a headless browser's DOM dump can see them.
   */
  private static final String ERROR_RECORDER =
      """
      (function(){var errors=[];var root=document.documentElement;
      function record(m){errors.push(String(m));root.setAttribute('data-errors',JSON.stringify(errors));}
      window.addEventListener('error',function(e){record(e.message||'error');});
      window.addEventListener('unhandledrejection',function(e){record('unhandled rejection: '+e.reason);});
      document.addEventListener('securitypolicyviolation',function(e){record('blocked: '+e.blockedURI);});
      var consoleError=console.error;
      console.error=function(){record('console.error: '+Array.prototype.join.call(arguments,' '));
        return consoleError.apply(console,arguments);};
      window.timewaitRecordError=record;})();
      """;

  private static final String PAGE_SCRIPT =
      """
      (function(){
      var root=document.documentElement;
      try{
        var data=JSON.parse(document.getElementById('timewait-data').textContent);
        Chart.defaults.animation=false;
        Chart.defaults.maintainAspectRatio=false;
        var made=0;
        function canvas(id){return document.getElementById(id);}
        function noData(id,text){var c=canvas(id);var p=document.createElement('p');p.className='nodata';
          p.textContent=text;c.parentNode.replaceChild(p,c);}
        function short(s,n){s=String(s);return s.length>n?s.substring(0,n-1)+'\\u2026':s;}
        function frame(f){f=String(f);var m=/^(.*)\\.([^.(]+)\\([^:()]*:(\\d+)\\)$/.exec(f);
          if(!m){return short(f,48);}var cls=m[1].split('.').pop();return short(cls+'.'+m[2]+':'+m[3],48);}
        var series=data.timeWaitSeries||[];
        if(series.length>0){
          new Chart(canvas('chart-timewait'),{type:'line',data:{labels:series.map(function(p){return p.at.substring(11,19);}),
            datasets:[{label:'TIME_WAIT sockets',data:series.map(function(p){return p.timeWait;}),borderColor:'#b00020',
            backgroundColor:'#b0002033',fill:true,pointRadius:2}]},
            options:{scales:{y:{beginAtZero:true,title:{display:true,text:'sockets'}}}}});
          made++;
        }else{noData('chart-timewait','No host was sampled.');}
        var sites=(data.sites||[]).filter(function(s){return s.active>0;}).slice(0,10);
        if(sites.length>0){
          var jvms={};(data.jvms||[]).forEach(function(j){jvms[j.jvm.label]=1;});
          var manyJvms=Object.keys(jvms).length>1;
          var labels=sites.map(function(s){return [frame(s.site)];});
          var counts={};labels.forEach(function(l){counts[l[0]]=(counts[l[0]]||0)+1;});
          sites.forEach(function(s,i){
            if(counts[labels[i][0]]>1){labels[i].push('opened at '+frame(s.openSite));}
            if(manyJvms){labels[i].push(s.jvm.label);}
          });
          // Chart.js gives the labels about half the chart's width: cut them to fit, not it.
          var fit=Math.max(16,Math.floor(canvas('chart-sites').parentNode.clientWidth/2/6.5));
          labels=labels.map(function(l){return l.map(function(t){return short(t,fit);});});
          canvas('chart-sites').parentNode.style.height=(80+sites.length*(manyJvms?44:30))+'px';
          new Chart(canvas('chart-sites'),{type:'bar',data:{labels:labels,
            datasets:[{label:'active closes',data:sites.map(function(s){return s.active;}),backgroundColor:'#d98300'},
            {label:'abortive closes',data:sites.map(function(s){return s.abortive;}),backgroundColor:'#6b4fa1'}]},
            options:{indexAxis:'y',scales:{x:{beginAtZero:true}},plugins:{tooltip:{callbacks:{
              title:function(items){var s=sites[items[0].dataIndex];return [s.site,'opened at '+s.openSite,s.role+' in '+s.jvm.label];}}}}}});
          made++;
        }else{noData('chart-sites',(data.sites||[]).length>0?'No site closed a connection actively.':'No agent snapshot was read.');}
        var dests=((data.host&&data.host.destinations)||[]).filter(function(d){return d.usable;}).slice(0,10);
        if(dests.length>0){
          new Chart(canvas('chart-ports'),{type:'bar',data:{labels:dests.map(function(d){return short(d.local+' \\u2192 '+d.remote,60);}),
            datasets:[{label:'ports in use',data:dests.map(function(d){return d.inUse;}),backgroundColor:'#2f6fb5'},
            {label:'usable ports (limit)',data:dests.map(function(d){return d.usable;}),backgroundColor:'#c9d1d9'}]},
            options:{indexAxis:'y',scales:{x:{beginAtZero:true}}}});
          made++;
        }else{noData('chart-ports','No client destination group was found.');}
        root.setAttribute('data-charts-ready',String(made));
      }catch(e){window.timewaitRecordError(e&&e.message?e.message:e);}
      })();
      """;

  @Override
  public String render(Report report) {
    StringBuilder html = new StringBuilder(260_000);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                + " script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"generator\" content=\"timewait; Chart.js ")
        .append(esc(ChartJs.version()))
        .append("\">\n<title>timewait report</title>\n<style>")
        .append(STYLE)
        .append("</style>\n<script>")
        .append(ERROR_RECORDER)
        .append("</script>\n<script>\n")
        .append(ChartJs.script())
        .append("\n</script>\n</head>\n<body>\n<header><h1>timewait report</h1><p>Generated ")
        .append(esc(report.generatedAt()))
        .append(" from ")
        .append(esc(String.join("; ", report.sources())))
        .append("</p></header>\n<main>\n");
    for (Finding finding : report.findings()) {
      if (finding.severity() == Severity.CRITICAL) {
        html.append("<div class=\"alert\" role=\"alert\"><h2>CRITICAL: ")
            .append(esc(finding.title()))
            .append("</h2><div>Do this: ")
            .append(recommendation(finding.recommendation()))
            .append("</div></div>\n");
      }
    }
    for (Finding finding : report.findings()) {
      if (finding.id().equals(Analyzer.HEALTHY)) {
        html.append("<div class=\"verdict\" role=\"status\"><h2>")
            .append(esc(finding.title()))
            .append("</h2><div>")
            .append(recommendation(finding.recommendation()))
            .append("</div></div>\n");
      }
    }
    owners(html, report);
    html.append("<h2>Findings</h2>\n");
    for (Finding finding : report.findings()) {
      finding(html, finding);
    }
    html.append(
        """
        <h2>Charts</h2>
        <div class="charts">
        <div class="chart"><h3>TIME_WAIT sockets over the sampling window</h3><div class="box"><canvas id="chart-timewait"></canvas></div></div>
        <div class="chart"><h3>Top code sites by active closes</h3><div class="box"><canvas id="chart-sites"></canvas></div></div>
        <div class="chart"><h3>Ephemeral ports per client destination against the limit</h3><div class="box"><canvas id="chart-ports"></canvas></div></div>
        </div>
        """);
    host(html, report.host());
    sites(html, report);
    stacks(html, report);
    ownership(html, report);
    if (!report.unavailable().isEmpty()) {
      html.append("<h2>Not available</h2><ul>");
      for (String line : report.unavailable()) {
        html.append("<li>").append(esc(line)).append("</li>");
      }
      html.append("</ul>\n");
    }
    html.append("</main>\n<script type=\"application/json\" id=\"timewait-data\">")
        .append(jsonForScript(report))
        .append("</script>\n<script>")
        .append(PAGE_SCRIPT)
        .append("</script>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void finding(StringBuilder html, Finding finding) {
    String sev = finding.severity().label();
    html.append("<section class=\"finding ")
        .append(sev)
        .append("\"><h3><span class=\"sev ")
        .append(sev)
        .append("\">")
        .append(finding.severity().name())
        .append("</span><span class=\"id\">")
        .append(esc(finding.id()))
        .append("</span> ")
        .append(esc(finding.title()))
        .append("</h3><ul class=\"evidence\">");
    for (String line : finding.evidence()) {
      html.append("<li class=\"mono\">").append(esc(line)).append("</li>");
    }
    html.append("</ul><div class=\"rec\"><b>Recommendation:</b> ")
        .append(recommendation(finding.recommendation()))
        .append("</div>");
    if (!finding.references().isEmpty()) {
      html.append("<p>References: ");
      for (int i = 0; i < finding.references().size(); i++) {
        html.append(i == 0 ? "" : ", ").append(reference(finding.references().get(i)));
      }
      html.append("</p>");
    }
    html.append("</section>\n");
  }

  private static void host(StringBuilder html, Report.Host host) {
    if (host == null) {
      return;
    }
    html.append("<h2>Host</h2><div class=\"scroll\"><table class=\"kv\">");
    if (host.netns() != null) {
      row(html, "Network namespace", OwnerText.netns(host.netns()));
    }
    row(html, "Root", host.root());
    row(html, "Collector", host.collector());
    row(html, "OS", host.os());
    row(html, "Kernel", host.kernel());
    row(html, "TIME_WAIT sockets", host.timeWait());
    row(html, "CLOSE_WAIT sockets", host.closeWait());
    row(html, "Sampling window", host.windowSeconds() + " s");
    for (Map.Entry<String, Object> setting : host.settings().entrySet()) {
      row(html, setting.getKey(), setting.getValue());
    }
    html.append("</table></div>\n");
    if (host.destinations().isEmpty()) {
      return;
    }
    html.append(
        "<h3>Client destinations</h3><div class=\"scroll\"><table><tr><th>Local IP</th>"
            + "<th>Remote</th><th>TIME_WAIT</th>"
            + "<th>Ports in use</th><th>Usable</th><th>Use</th><th>Source</th><th>Sites</th></tr>");
    int rows = 0;
    for (DestinationUse use : host.destinations()) {
      if (rows++ == MarkdownReport.MAX_ROWS) {
        break;
      }
      html.append("<tr><td class=\"mono\">")
          .append(esc(use.local()))
          .append("</td><td class=\"mono\">")
          .append(esc(use.remote()))
          .append("</td><td class=\"n\">")
          .append(use.timeWait())
          .append("</td><td class=\"n\">")
          .append(use.inUse())
          .append("</td><td class=\"n\">")
          .append(use.usable() == null ? "?" : use.usable())
          .append("</td><td class=\"n\">")
          .append(
              use.utilization() == null ? "?" : String.format("%.1f%%", use.utilization() * 100))
          .append("</td><td>")
          .append(esc(use.source()))
          .append("</td><td class=\"mono frame\">")
          .append(frame(String.join(", ", use.sites())))
          .append("</td></tr>");
    }
    html.append("</table></div>\n");
  }

  private static void sites(StringBuilder html, Report report) {
    if (!report.jvms().isEmpty()) {
      html.append(
          "<h2>JVMs</h2><div class=\"scroll\"><table><tr><th>JVM</th><th>Host</th><th>PID</th>"
              + "<th>Java</th><th>Taken at</th><th>Active</th><th>Passive</th><th>Abortive</th>"
              + "</tr>");
      for (Report.Jvm jvm : report.jvms()) {
        html.append("<tr><td class=\"text\">")
            .append(esc(jvm.jvm().label()))
            .append("</td><td>")
            .append(esc(jvm.jvm().hostName()))
            .append("</td><td class=\"n\">")
            .append(jvm.jvm().pid() == null ? "" : jvm.jvm().pid())
            .append("</td><td>")
            .append(esc(jvm.jvm().javaVersion()))
            .append("</td><td>")
            .append(esc(jvm.takenAt()))
            .append("</td><td class=\"n\">")
            .append(jvm.activeCloses())
            .append("</td><td class=\"n\">")
            .append(jvm.passiveCloses())
            .append("</td><td class=\"n\">")
            .append(jvm.abortiveCloses())
            .append("</td></tr>");
      }
      html.append("</table></div>\n");
    }
    if (report.sites().isEmpty()) {
      return;
    }
    html.append(
        "<h2>Code sites</h2><div class=\"scroll\"><table><tr><th>Site</th><th>Role</th>"
            + "<th>Active</th><th>Active/min</th><th>Passive</th><th>Abortive</th>"
            + "<th>Opened at</th><th>JVM</th></tr>");
    int rows = 0;
    for (Report.Site site : report.sites()) {
      if (rows++ == MarkdownReport.MAX_ROWS) {
        break;
      }
      html.append("<tr><td class=\"mono frame site\">")
          .append(frame(site.site()))
          .append("</td><td>")
          .append(esc(site.role()))
          .append("</td><td class=\"n\">")
          .append(site.shown(site.active()))
          .append("</td><td class=\"n\">")
          .append(String.format("%.1f", site.activePerMinute()))
          .append("</td><td class=\"n\">")
          .append(site.shown(site.passive()))
          .append("</td><td class=\"n\">")
          .append(site.shown(site.abortive()))
          .append("</td><td class=\"mono frame\">")
          .append(frame(site.openSite()))
          .append("</td><td class=\"text\">")
          .append(esc(site.jvm().label()))
          .append("</td></tr>");
    }
    html.append("</table></div>\n");
    if (report.sites().stream().anyMatch(s -> s.estimated() > 0)) {
      html.append("<p class=\"note\">").append(esc(MarkdownReport.ESTIMATED)).append("</p>\n");
    }
  }

  /** Each listed site's close and open stacks, folded away in {@code <details>}. */
  private static void stacks(StringBuilder html, Report report) {
    boolean any = false;
    int rows = 0;
    for (Report.Site site : report.sites()) {
      if (rows++ == MarkdownReport.MAX_ROWS) {
        break;
      }
      if (site.stack().isEmpty() && site.openStack().isEmpty()) {
        continue;
      }
      if (!any) {
        html.append("<h2>Stacks</h2>\n");
        any = true;
      }
      html.append("<details class=\"stack\"><summary class=\"mono\">")
          .append(esc(site.site()))
          .append(" (")
          .append(esc(site.role()))
          .append(")</summary><pre class=\"mono\">");
      frames(html, "closed at", site.stack());
      frames(html, "opened at", site.openStack());
      html.append("</pre></details>\n");
    }
  }

  private static void frames(StringBuilder html, String title, java.util.List<String> stack) {
    if (stack.isEmpty()) {
      return;
    }
    html.append(title).append('\n');
    for (String frame : stack) {
      html.append("    at ").append(esc(frame)).append('\n');
    }
  }

  /** Who owns the TIME_WAIT sockets, then the namespaces they were counted in. */
  private static void owners(StringBuilder html, Report report) {
    if (report.namespaces().isEmpty()) {
      return;
    }
    html.append(
        "<h2>Who owns the TIME_WAIT sockets</h2><div class=\"scroll\"><table><tr><th>Owner</th>"
            + "<th>Network namespace</th><th>TIME_WAIT</th><th>Share</th>"
            + "<th>How it was known</th></tr>");
    for (Owner owner : report.owners()) {
      html.append("<tr><td class=\"mono frame\">")
          .append(frame(OwnerText.owner(owner)))
          .append("</td><td class=\"mono\">")
          .append(esc(OwnerText.netns(owner.netns())))
          .append("</td><td class=\"n\">")
          .append(owner.timeWait())
          .append("</td><td class=\"n\">")
          .append(MarkdownReport.percent(owner.share()))
          .append("</td><td class=\"text\">")
          .append(esc(OwnerText.how(owner)))
          .append("</td></tr>");
    }
    html.append("</table></div>\n<p>Shares are of the owner's own namespace.</p>\n");
    html.append(
        "<div class=\"scroll\"><table><tr><th>Network namespace</th><th>TIME_WAIT</th>"
            + "<th>CLOSE_WAIT</th><th>Processes</th><th>Containers</th>"
            + "<th>tcp_tw_reuse</th></tr>");
    for (Report.Namespace ns : report.namespaces()) {
      Object reuse = ns.settings().get("net.ipv4.tcp_tw_reuse");
      html.append("<tr><td class=\"mono\">")
          .append(esc(OwnerText.netns(ns.netns())))
          .append(ns.own() ? " (this one)" : "")
          .append("</td><td class=\"n\">")
          .append(ns.timeWait())
          .append("</td><td class=\"n\">")
          .append(ns.closeWait() == null ? "?" : ns.closeWait())
          .append("</td><td class=\"text\">")
          .append(esc(OwnerText.processes(ns.processes())))
          .append("</td><td class=\"mono\">")
          .append(esc(OwnerText.containers(ns.containerIds())))
          .append("</td><td class=\"n\">")
          .append(reuse == null ? "unavailable" : esc(String.valueOf(reuse)))
          .append("</td></tr>");
    }
    html.append("</table></div>\n");
    boolean any = false;
    for (Report.Namespace ns : report.namespaces()) {
      for (Finding finding : ns.findings()) {
        if (!any) {
          html.append(
              "<p>Findings of the other namespaces, on their own tables and sysctls:</p>"
                  + "<div class=\"scroll\"><table><tr><th>Network namespace</th><th>Severity</th>"
                  + "<th>Id</th><th>Title</th></tr>");
          any = true;
        }
        html.append("<tr><td class=\"mono\">")
            .append(esc(OwnerText.netns(ns.netns())))
            .append("</td><td>")
            .append(esc(finding.severity().label()))
            .append("</td><td class=\"mono\">")
            .append(esc(finding.id()))
            .append("</td><td class=\"text\">")
            .append(esc(finding.title()))
            .append("</td></tr>");
      }
    }
    if (any) {
      html.append("</table></div>\n");
    }
  }

  private static void ownership(StringBuilder html, Report report) {
    if (report.ownership().isEmpty()) {
      return;
    }
    html.append(
        "<h2>TIME_WAIT sockets explained by the agent</h2><div class=\"scroll\"><table><tr>"
            + "<th>JVM</th><th>Site</th>"
            + "<th>Recent closes</th><th>In TIME_WAIT now</th><th>Share of host TIME_WAIT</th></tr>");
    for (Report.Ownership owner : report.ownership()) {
      html.append("<tr><td class=\"text\">")
          .append(esc(owner.jvm().label()))
          .append("</td><td>(all)</td><td class=\"n\">")
          .append(owner.recentCloses())
          .append("</td><td class=\"n\">")
          .append(owner.confirmed())
          .append("</td><td class=\"n\">")
          .append(MarkdownReport.percent(owner.shareOfHost()))
          .append("</td></tr>");
      for (SiteOwnership site : owner.sites()) {
        html.append("<tr><td></td><td class=\"mono frame\">")
            .append(frame(site.site()))
            .append("</td><td class=\"n\">")
            .append(site.recentCloses())
            .append("</td><td class=\"n\">")
            .append(site.timeWait())
            .append("</td><td class=\"n\">")
            .append(MarkdownReport.percent(site.shareOfHostTimeWait()))
            .append("</td></tr>");
      }
    }
    html.append("</table></div>\n");
  }

  private static void row(StringBuilder html, String name, Object value) {
    html.append("<tr><th>")
        .append(esc(name))
        .append("</th><td class=\"mono text\">")
        .append(value == null ? "unknown" : esc(String.valueOf(value)))
        .append("</td></tr>");
  }

  /** A code frame, escaped, with break opportunities between its parts rather than anywhere. */
  static String frame(String text) {
    String escaped = esc(text);
    StringBuilder out = new StringBuilder(escaped.length() + 16);
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == '(') {
        out.append("<wbr>");
      }
      out.append(c);
      if (c == '.' || c == '$' || c == ',') {
        out.append("<wbr>");
      }
    }
    return out.toString();
  }

  /** A web reference as a link; anything else as text. Escaped either way. */
  static String reference(String text) {
    if (text.startsWith("https://") || text.startsWith("http://")) {
      return "<a href=\"" + esc(text) + "\" rel=\"noreferrer\">" + esc(text) + "</a>";
    }
    return esc(text);
  }

  /** A recommendation with its backtick-quoted commands as code; everything escaped. */
  static String recommendation(String text) {
    StringBuilder out = new StringBuilder();
    String[] parts = text.split("`", -1);
    for (int i = 0; i < parts.length; i++) {
      boolean code = i % 2 == 1 && i < parts.length - 1;
      out.append(code ? "<code>" : "").append(esc(parts[i])).append(code ? "</code>" : "");
    }
    return out.toString();
  }

  /** Escapes text for HTML element content and quoted attribute values. */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** The report as JSON that cannot end or alter the script element it sits in. */
  static String jsonForScript(Report report) {
    String json = JsonReport.toJson(report);
    StringBuilder out = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> out.append("\\u003c");
        case '>' -> out.append("\\u003e");
        case '&' -> out.append("\\u0026");
        case '\u2028' -> out.append("\\u2028");
        case '\u2029' -> out.append("\\u2029");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
