package polartest

import (
	"html"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// The bodies of the faults that answer as something other than the API:
// a proxy, a CDN, a captive portal.

// htmlPage is nginx's error page.
func htmlPage(status int) *reply {
	text := strconv.Itoa(status) + " " + http.StatusText(status)
	body := "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return htmlReply(status, body)
}

// captivePortal is the 200 page of a captive portal.
func captivePortal() *reply {
	return htmlReply(http.StatusOK, "<html><body><h1>Welcome to the network</h1><p>Please log in to continue.</p></body></html>")
}

// htmlReply answers status with an HTML body.
func htmlReply(status int, body string) *reply {
	h := make(http.Header)
	h.Set("Content-Type", "text/html")
	return &reply{status: status, header: h, body: []byte(body)}
}

// textReply answers status with a plain-text body.
func textReply(status int, body string) *reply {
	h := make(http.Header)
	h.Set("Content-Type", "text/plain")
	return &reply{status: status, header: h, body: []byte(body)}
}

// cdnTitles are the titles of Cloudflare's 5xx error pages.
var cdnTitles = map[int]string{
	520: "Web server is returning an unknown error",
	521: "Web server is down",
	522: "Connection timed out",
	523: "Origin is unreachable",
	524: "A timeout occurred",
	525: "SSL handshake failed",
	526: "Invalid SSL certificate",
	527: "Railgun Listener to origin error",
}

// cdnTitle is the title of Cloudflare's page for status.
func cdnTitle(status int) string {
	if t, ok := cdnTitles[status]; ok {
		return t
	}
	return "Something went wrong"
}

// cdnPage is a Cloudflare error page for host, with its Server and CF-RAY
// headers.
func cdnPage(status int, host string) *reply {
	ray := strconv.FormatUint(rand.Uint64()|1<<63, 16) + "-FRA" // 16 hex digits
	code := strconv.Itoa(status)
	title := cdnTitle(status)
	host = html.EscapeString(host)
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<!--[if gt IE 8]><!--> <html class="no-js" lang="en-US"> <!--<![endif]-->
<head>
<title>` + host + ` | ` + code + `: ` + title + `</title>
<meta charset="UTF-8" />
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<meta http-equiv="X-UA-Compatible" content="IE=Edge" />
<meta name="robots" content="noindex, nofollow" />
<meta name="viewport" content="width=device-width,initial-scale=1" />
<link rel="stylesheet" id="cf_styles-css" href="/cdn-cgi/styles/main.css" />
</head>
<body>
<div id="cf-wrapper">
  <div id="cf-error-details" class="p-0">
    <header class="mx-auto pt-10 lg:pt-6 lg:px-8 w-240 lg:w-full mb-8">
      <h1 class="inline-block sm:block sm:mb-2 font-light text-60 lg:text-4xl text-black-dark leading-tight mr-2">
        <span class="inline-block">` + title + `</span>
        <span class="code-label">Error code ` + code + `</span>
      </h1>
      <div>Visit <a href="https://www.cloudflare.com/5xx-error-landing" target="_blank" rel="noopener noreferrer">cloudflare.com</a> for more information.</div>
    </header>
    <div class="my-8 bg-gradient-gray">
      <div class="w-240 lg:w-full mx-auto">
        <div class="clearfix md:px-8">
          <div id="cf-browser-status" class="relative w-1/3 md:w-full py-15 md:p-0 md:py-8 md:text-left md:border-solid md:border-0 md:border-b md:border-gray-400 overflow-hidden float-left md:float-none text-center">
            <span class="md:block w-full truncate">You</span>
            <h3 class="md:inline-block mt-3 md:mt-0 text-2xl text-gray-600 font-light leading-1.3">Browser</h3>
            <span class="leading-1.3 text-2xl text-green-success">Working</span>
          </div>
          <div id="cf-cloudflare-status" class="relative w-1/3 md:w-full py-15 md:p-0 md:py-8 md:text-left md:border-solid md:border-0 md:border-b md:border-gray-400 overflow-hidden float-left md:float-none text-center">
            <span class="md:block w-full truncate">Frankfurt</span>
            <h3 class="md:inline-block mt-3 md:mt-0 text-2xl text-gray-600 font-light leading-1.3">Cloudflare</h3>
            <span class="leading-1.3 text-2xl text-green-success">Working</span>
          </div>
          <div id="cf-host-status" class="cf-error-source relative w-1/3 md:w-full py-15 md:p-0 md:py-8 md:text-left md:border-solid md:border-0 md:border-b md:border-gray-400 overflow-hidden float-left md:float-none text-center">
            <span class="md:block w-full truncate">` + host + `</span>
            <h3 class="md:inline-block mt-3 md:mt-0 text-2xl text-gray-600 font-light leading-1.3">Host</h3>
            <span class="leading-1.3 text-2xl text-red-error">Error</span>
          </div>
        </div>
      </div>
    </div>
    <div class="w-240 lg:w-full mx-auto mb-8 lg:px-8">
      <div class="clearfix">
        <div class="w-1/2 md:w-full float-left pr-6 md:pb-10 md:pr-0 leading-relaxed">
          <h2 class="text-3xl font-normal leading-1.3 mb-4">What happened?</h2>
          <p>The origin web server did not answer as expected.</p>
        </div>
        <div class="w-1/2 md:w-full float-left leading-relaxed">
          <h2 class="text-3xl font-normal leading-1.3 mb-4">What can I do?</h2>
          <p>Please try again in a few minutes.</p>
        </div>
      </div>
    </div>
    <div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300">
      <p class="text-13">
        <span class="cf-footer-item sm:block sm:mb-1">Cloudflare Ray ID: <strong class="font-semibold">` + ray[:16] + `</strong></span>
        <span class="cf-footer-separator sm:hidden">&bull;</span>
        <span class="cf-footer-item sm:block sm:mb-1">Performance &amp; security by <a rel="noopener noreferrer" href="https://www.cloudflare.com/5xx-error-landing" target="_blank">Cloudflare</a></span>
      </p>
    </div>
  </div>
</div>
</body>
</html>
`)
	rep := htmlReply(status, b.String())
	rep.header.Set("Content-Type", "text/html; charset=UTF-8")
	rep.header.Set("Server", "cloudflare")
	rep.header.Set("CF-RAY", ray)
	return rep
}

// echoPage is the debug page of a misconfigured proxy: the request line
// and every header of r, secrets included, after enough markup that they
// start well into the body (as on real pages, where a client that keeps
// only the start of an error body would miss them).
func echoPage(status int, r *http.Request) *reply {
	text := strconv.Itoa(status) + " " + http.StatusText(status)
	target := r.RequestURI
	if target == "" {
		target = r.URL.RequestURI()
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>` + text + `</title>
<style>
body { font-family: Menlo, Consolas, monospace; margin: 2em; color: #222; }
h1 { font-size: 1.4em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; } td, th { padding: 2px 8px; text-align: left; vertical-align: top; }
</style>
</head>
<body>
<h1>` + text + `</h1>
<p>The upstream server could not complete the request. Debug mode is enabled on this gateway, so the request it received is shown below.</p>
<h2>Request</h2>
<pre>` + html.EscapeString(r.Method+" "+target+" "+r.Proto) + `</pre>
<h2>Headers</h2>
<table>
`)
	row := func(k, v string) {
		b.WriteString("<tr><th>" + html.EscapeString(k) + "</th><td>" + html.EscapeString(v) + "</td></tr>\n")
	}
	row("Host", r.Host)
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		for _, v := range r.Header[k] {
			row(k, v)
		}
	}
	b.WriteString(`</table>
<hr>
<p>Generated by the gateway's debug handler. Turn debug mode off in production: this page shows request headers, which may carry credentials.</p>
</body>
</html>
`)
	return htmlReply(status, b.String())
}
