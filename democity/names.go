package democity

import (
	"math/rand/v2"
	"strings"
)

// namePool holds surnames and given names of one origin.
type namePool struct {
	surnames, male, female []string
}

var italianNames = namePool{
	surnames: strings.Fields(`ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO COLOMBO RICCI MARINO GRECO
		BRUNO GALLO CONTI DE LUCA MANCINI COSTA GIORDANO RIZZO LOMBARDI MORETTI BARBIERI FONTANA
		SANTORO MARIANI RINALDI CARUSO FERRARA GALLI MARTINI LEONE LONGO GENTILE MARTINELLI VITALE
		LOMBARDO SERRA COPPOLA DE SANTIS D'ANGELO MARCHETTI PARISI VILLA CONTE FERRARO FERRI FABBRI
		BIANCO MARCHI CAPPELLI MALAGOLI BERGONZINI GUERZONI VACCARI ZANOLI BELLEI MONTANARI PIGNATTI
		GOLINELLI CAVAZZUTI BALDINI POLLASTRI BORGHI CASOLARI MESCHIARI ZINI TOSI VANDELLI GIBERTI
		SGARBI CORRADINI BERTOLANI LUPPI RIGHI BENATTI ORLANDI MUCCINI NERI`),
	male: strings.Fields(`MARCO GIUSEPPE ALESSANDRO FRANCESCO ANDREA LUCA GIOVANNI MATTEO LORENZO
		DAVIDE STEFANO PAOLO ROBERTO MASSIMO RICCARDO SIMONE FEDERICO GABRIELE TOMMASO LEONARDO
		MATTIA EDOARDO DANIELE CLAUDIO MAURIZIO FABIO SERGIO ANTONIO MARIO ENZO GIORGIO CARLO
		FRANCO BRUNO EMILIO VITTORIO PIETRO ALBERTO DIEGO NICOLA`),
	female: strings.Fields(`GIULIA FRANCESCA CHIARA SARA MARTINA ALESSIA ELENA VALENTINA FEDERICA
		SILVIA ANNA MARIA LAURA PAOLA ROBERTA ELISA GIORGIA SOFIA AURORA GINEVRA ALICE EMMA BEATRICE
		NOEMI CRISTINA LUCIA ROSA GIOVANNA ANGELA TERESA CARLA FRANCA LUCIANA GRAZIA NADIA ILARIA
		BARBARA MONICA SIMONA DANIELA`),
}

var (
	arabicNames = namePool{
		surnames: strings.Fields(`EL AMRANI BENALI HADDAD BOUZID EL IDRISSI TAZI BENNANI CHAOUI AYARI TRABELSI BEN SALAH GHARBI JEBALI`),
		male:     strings.Fields(`MOHAMED YOUSSEF AHMED KARIM HAMZA OMAR RACHID SAMIR AYOUB ADAM`),
		female:   strings.Fields(`FATIMA KHADIJA AICHA MERYEM SALMA NADIA HOUDA YASMINE SANA IMANE`),
	}
	albanianNames = namePool{
		surnames: strings.Fields(`HOXHA SHEHU LEKA KOLA BERISHA GASHI DOKA PRENGA MUCAJ ZENELI`),
		male:     strings.Fields(`ARBEN ERION GENTI ILIR KLODIAN ALBAN DRITAN FATION ENDRIT ERVIS`),
		female:   strings.Fields(`ALBANA ANILA BLERTA DORINA ELONA ERJONA FJORALBA JONIDA MIRELA VALBONA`),
	}
	chineseNames = namePool{
		surnames: strings.Fields(`ZHANG WANG CHEN LIN HU ZHOU HUANG XU ZHENG JIANG`),
		male:     strings.Fields(`WEI JUN HAO LEI MING QIANG TAO BIN JIAN FENG`),
		female:   strings.Fields(`LING MEI JING YAN XIU HONG LAN FANG YING QIN`),
	}
	indianNames = namePool{
		surnames: strings.Fields(`SINGH KAUR KUMAR SHARMA GILL SANDHU DHILLON KHAN HOSSAIN RAHMAN`),
		male:     strings.Fields(`GURPREET HARPREET MANDEEP RAJINDER SUKHWINDER AMANDEEP RAVI SUNIL ARJUN VIKRAM`),
		female:   strings.Fields(`MANPREET JASPREET KIRANDEEP SIMRAN PRIYA ANJALI SUNITA RANI POOJA NEHA`),
	}
	easternNames = namePool{
		surnames: strings.Fields(`POPESCU IONESCU POPA STAN DUMITRU KOWALSKI NOWAK SHEVCHENKO BONDARENKO KOVALENKO TKACHENKO MELNYK`),
		male:     strings.Fields(`ANDREI MIHAI IONUT VASILE PIOTR TOMASZ OLEKSANDR SERHII DMYTRO VIKTOR`),
		female:   strings.Fields(`ELENA IOANA MIHAELA ANDREEA ANNA KATARZYNA OKSANA OLENA TETIANA IRYNA`),
	}
	westAfricanNames = namePool{
		surnames: strings.Fields(`MENSAH OWUSU ASANTE BOATENG OKAFOR ADEYEMI OKONKWO DIALLO NDIAYE SARR`),
		male:     strings.Fields(`KWAME KOFI EMMANUEL SAMUEL CHINEDU IBRAHIMA MAMADOU OUSMANE DANIEL FELIX`),
		female:   strings.Fields(`AMA AKOSUA ABENA GIFT BLESSING CHIOMA FATOU AMINATA MARIAMA GRACE`),
	}
	filipinoNames = namePool{
		surnames: strings.Fields(`SANTOS REYES CRUZ BAUTISTA GARCIA MENDOZA DELA CRUZ RAMOS`),
		male:     strings.Fields(`JOSE JUAN RODEL ARNEL JOMAR MARK`),
		female:   strings.Fields(`MARICEL JOCELYN ROSALIE MARIVIC LIZA JOY`),
	}
	westernNames = namePool{
		surnames: strings.Fields(`MULLER SCHMIDT MARTIN BERNARD GARCIA LOPEZ DUBOIS WAGNER`),
		male:     strings.Fields(`JEAN PIERRE HANS KLAUS CARLOS JAVIER THOMAS`),
		female:   strings.Fields(`MARIE CLAIRE SABINE PETRA CARMEN LUCIA ANNE`),
	}
)

// country is a birth country of foreign residents, with its cadastral Z-code.
type country struct {
	code   string
	weight float64
	names  *namePool
}

var euCountries = []country{
	{"Z129", 0.55, &easternNames}, // Romania
	{"Z127", 0.15, &easternNames}, // Polonia
	{"Z104", 0.10, &easternNames}, // Bulgaria
	{"Z112", 0.07, &westernNames}, // Germania
	{"Z110", 0.07, &westernNames}, // Francia
	{"Z131", 0.06, &westernNames}, // Spagna
}

var nonEUCountries = []country{
	{"Z330", 0.20, &arabicNames},      // Marocco
	{"Z100", 0.14, &albanianNames},    // Albania
	{"Z318", 0.09, &westAfricanNames}, // Ghana
	{"Z138", 0.10, &easternNames},     // Ucraina
	{"Z210", 0.08, &chineseNames},     // Cina
	{"Z347", 0.08, &arabicNames},      // Tunisia
	{"Z335", 0.08, &westAfricanNames}, // Nigeria
	{"Z222", 0.07, &indianNames},      // India
	{"Z236", 0.06, &indianNames},      // Pakistan
	{"Z216", 0.05, &filipinoNames},    // Filippine
	{"Z343", 0.05, &westAfricanNames}, // Senegal
}

// italianBirthplaces are cadastral codes of municipalities other than Modena (F257).
var italianBirthplaces = []string{
	"A944", // Bologna
	"H223", // Reggio nell'Emilia
	"B819", // Carpi
	"I462", // Sassuolo
	"G337", // Parma
	"F205", // Milano
	"H501", // Roma
	"F839", // Napoli
	"G273", // Palermo
	"C351", // Catania
	"A662", // Bari
	"F158", // Messina
	"H224", // Reggio di Calabria
	"L219", // Torino
	"D612", // Firenze
	"L781", // Verona
}

// modenaCode is the cadastral code of Modena.
const modenaCode = "F257"

func pickCountry(rng *rand.Rand, list []country) country {
	u := rng.Float64()
	for _, c := range list {
		if u < c.weight {
			return c
		}
		u -= c.weight
	}
	return list[len(list)-1]
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// surnameBlock is the 3-letter surname block of a fiscal code: consonants, then vowels, then X.
func surnameBlock(s string) string {
	cons, vow := letters(s)
	return (cons + vow + "XXX")[:3]
}

// nameBlock is the 3-letter name block: the 1st, 3rd and 4th consonant when there are four or
// more, otherwise as for the surname.
func nameBlock(s string) string {
	cons, vow := letters(s)
	if len(cons) >= 4 {
		return string([]byte{cons[0], cons[2], cons[3]})
	}
	return (cons + vow + "XXX")[:3]
}

func letters(s string) (cons, vow string) {
	var c, v []byte
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case strings.IndexByte("AEIOU", ch) >= 0:
			v = append(v, ch)
		case ch >= 'A' && ch <= 'Z':
			c = append(c, ch)
		}
	}
	return string(c), string(v)
}

// streetSurnames, streetThemes, streetFirstNames and streetSpecials are dedications for synthetic streets; combined with given names they give a
// large pool of distinct, plausible names.
var streetSurnames = strings.Fields(`GARIBALDI MAZZINI CAVOUR VERDI PUCCINI ROSSINI DANTE PETRARCA
	BOCCACCIO LEOPARDI CARDUCCI PASCOLI MANZONI FOSCOLO GALILEI VOLTA MARCONI FERMI MATTEOTTI
	GRAMSCI GOBETTI ROSSELLI AMENDOLA TOGLIATTI NENNI MORO BERLINGUER PERTINI EINAUDI
	MONTESSORI DELEDDA MORANTE MERINI LEVI PAVESE CALVINO PIRANDELLO VERGA TASSO ARIOSTO BOIARDO
	MURATORI TASSONI SPALLANZANI RAMAZZINI FALLOPPIO CAMPORI SIGONIO VIGNOLA CARBONI BOSCHETTI
	BONACORSA FIORI MORANDI NOVI SALVEMINI TOSCANINI PAVAROTTI FRESCOBALDI CORELLI VIVALDI`)

var streetThemes = strings.Fields(`ROSE VIOLE GIGLI TULIPANI ORTENSIE CILIEGI TIGLI PLATANI QUERCE
	OLMI PIOPPI SALICI BETULLE PINI CASTAGNI NOCI GELSI MANDORLI ALLORI GINEPRI MIRTI OLIVI
	PESCATORI ARTIGIANI TESSITORI MUGNAI FORNAI CARRETTIERI MURATORI CANAPINI CESTAI SEGATORI`)

var streetFirstNames = strings.Fields(`GIUSEPPE GIACOMO GIOVANNI ANTONIO PIETRO CARLO LUIGI ALESSANDRO
	FRANCESCO UGO GIOSUÈ VITTORIO ANNA GRAZIA MARIA ELSA ALDA CESARE NICCOLÒ LUDOVICO MATTEO
	LAZZARO BERNARDINO GABRIELE TORQUATO LUCIANO ENRICO SANDRO`)

// streetSpecials are saints, places and values, some with accents or apostrophes as the
// register writes them.
var streetSpecials = []string{
	"SANT'ANNA", "SANTA CATERINA", "SAN CATALDO", "SAN DAMASO", "SAN PROSPERO", "SAN GEMINIANO",
	"SAN GIOVANNI BOSCO", "SANTA CHIARA", "SANT'EUFEMIA", "SAN PIETRO", "SANTA TERESA",
	"FORLÌ", "CANTÙ", "SALÒ", "BOLOGNA", "FERRARA", "RAVENNA", "CARPI", "SASSUOLO", "VIGNOLA",
	"FIUMALBO", "SESTOLA", "CANOSSA", "DELLA LIBERTÀ", "DELL'UNITÀ D'ITALIA", "DELLA SOLIDARIETÀ",
	"DELLA CARITÀ", "DELLA REPUBBLICA", "DEL LAVORO", "DELLA PACE", "DEI MILLE", "XX SETTEMBRE",
	"IV NOVEMBRE", "NICCOLÒ MACHIAVELLI", "MASSIMO D'AZEGLIO", "ALCIDE DE GASPERI",
}
