package tabular

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"testing"
)

// benchData is a 100,000-row, 11-column ';' export with a header, a quoted
// field every tenth row and some accented text.
func benchData(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("ID;CODICE_FISCALE;COGNOME;NOME;COMUNE;PROVINCIA;DATA_EVENTO;CODICE_ATECO;IMPORTO;ESITO;NOTE\r\n")
	for i := range rows {
		note := "nessuna"
		if i%10 == 0 {
			note = `"visita; ""urgente"""`
		}
		fmt.Fprintf(&b, "%d;RSSMRA80A01F205X;Rossi;Mario;Forlì;FC;%02d/%02d/2025;C.25.11;%d,%02d;chiuso;%s\r\n",
			i, i%28+1, i%12+1, i%5000, i%100, note)
	}
	return b.Bytes()
}

// BenchmarkCSV reads benchData through Reader.
func BenchmarkCSV(b *testing.B) {
	data := benchData(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		r, err := NewCSV(bytes.NewReader(data), "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRawCSV is the baseline: the same bytes split into lines by
// bufio.Scanner, nothing more.
func BenchmarkRawCSV(b *testing.B) {
	data := benchData(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			rows++
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkStdlibCSV is encoding/csv on the same bytes (ReuseRecord, no
// encoding or width checks), the alternative this package's scanner beat.
func BenchmarkStdlibCSV(b *testing.B) {
	data := benchData(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		c := csv.NewReader(bytes.NewReader(data))
		c.Comma, c.FieldsPerRecord, c.ReuseRecord = ';', -1, true
		for {
			_, err := c.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCSVWindows1252 is BenchmarkCSV on the same export in Windows-1252,
// which goes through the decoding table.
func BenchmarkCSVWindows1252(b *testing.B) {
	data := bytes.ReplaceAll(benchData(100_000), []byte("Forlì"), []byte("Forl\xec"))
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		r, err := NewCSV(bytes.NewReader(data), "bench.csv", Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
		if r.Format() != "csv(;) windows-1252" {
			b.Fatal(r.Format())
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
