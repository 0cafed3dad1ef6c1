module github.com/gopolar/checkouts/tools/errorlint

go 1.26.0

tool codeberg.org/polyfloyd/go-errorlint

require (
	codeberg.org/polyfloyd/go-errorlint v1.9.1 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)
