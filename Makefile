# One command sets up and runs the main job; one command sets up and passes the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT := out

.PHONY: run test test-fast test-fuzz test-engines test-latest lock lint samples pictures bench corpus clean

# The exact versions tested (requirements.lock, with hashes), then omnisheet itself.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/omnisheet new $(OUT)/plan-template-fr.xlsx --lang fr --force
	$(BIN)/omnisheet new $(OUT)/plan-template-en.xlsx --lang en --force
	$(BIN)/omnisheet check samples/retail-fr.xlsx -o $(OUT)/retail-fr-checked.xlsx --fail-on never --force
	$(BIN)/python samples/later.py $(OUT)/retail-fr-avril.xlsx
	$(BIN)/omnisheet diff samples/retail-fr.xlsx $(OUT)/retail-fr-avril.xlsx --top 5
	@echo
	$(BIN)/omnisheet report samples/portfolio -o $(OUT)/portfolio.html --force
	@echo
	$(BIN)/omnisheet feedback samples/feedback --plan samples/retail-fr.xlsx -o $(OUT)/retail-fr-mesures.xlsx --force
	@echo
	$(BIN)/omnisheet journeys samples/events --plan samples/events/plan/retail-fr-parcours.xlsx -o $(OUT)/retail-fr-parcours.xlsx --force
	$(BIN)/omnisheet journeys samples/events --plan samples/events/plan/retail-fr-parcours.xlsx -o $(OUT)/retail-fr-parcours.html --force > /dev/null
	@echo
	@echo "Modèles vierges :   $(OUT)/plan-template-fr.xlsx, $(OUT)/plan-template-en.xlsx"
	@echo "Exemple vérifié :   $(OUT)/retail-fr-checked.xlsx (ouvrez-le : onglets Constats, Tableau de bord et Pression commerciale)"
	@echo "Un mois plus tard : $(OUT)/retail-fr-avril.xlsx (les changements ci-dessus)"
	@echo "Trois pays :        $(OUT)/portfolio.html (les plans du Groupe Lumen comparés, samples/portfolio/)"
	@echo "Mesures d'enquête : $(OUT)/retail-fr-mesures.xlsx (depuis samples/feedback : onglets Mesures et Tendances des mesures)"
	@echo "Parcours observé :  $(OUT)/retail-fr-parcours.xlsx et .html (depuis samples/events : onglet Parcours observé)"
	@echo "Pour taper vous-même les commandes omnisheet : . $(VENV)/bin/activate"

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The inner loop: every test but those marked slow (real LibreOffice and Chromium round
# trips, very large plans, the full fuzz test), in under two minutes here.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# The 10,000 mutated plans and response files of the fuzz test (about 12 minutes).
test-fuzz: $(STAMP)
	OMNISHEET_FUZZ_ALL=1 $(BIN)/python -m pytest -q tests/test_fuzz.py

# The same survey figures on DuckDB, a real local Spark (Java 17) and a real Postgres server
# started by the tests (Debian's postgresql); make test runs them too when those are here.
test-engines: $(STAMP)
	$(BIN)/python -m pytest -q -m engines

# The suite against the newest versions pyproject.toml allows, in a venv of its own: the
# next major release of a dependency is met here on purpose, not by a user.
test-latest:
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager \
		-e '.[test,spark,postgres,duckdb]'
	.venv-latest/bin/python -m pip freeze --exclude-editable
	.venv-latest/bin/python -m pytest -q

# Write requirements.lock anew from pyproject.toml's ranges (then run make test).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --extra spark --extra postgres \
		--extra duckdb --generate-hashes --python-version 3.11 \
		--no-header -o requirements.lock

lint: $(STAMP)
	$(BIN)/ruff check omnisheet tests bench

samples: $(STAMP)
	$(BIN)/python samples/build.py
	$(BIN)/python samples/portfolio/build.py
	$(BIN)/python samples/events/make_events.py

pictures: run
	$(BIN)/python samples/pictures.py

# make bench BENCH="--only large --large-reps 3" runs a part (see bench/bench.py --help)
bench: $(STAMP)
	$(BIN)/python bench/bench.py $(BENCH)

# check on every file of ../shared/corpus: outcomes by kind, slowest file, peak memory
corpus: $(STAMP)
	$(BIN)/python bench/corpus.py

clean:
	rm -rf $(OUT) .pytest_cache
