# Copyright 2026 Billing Control
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reply classifier: TF-IDF of words and characters, then a logistic regression (scikit-learn).

A trained model is kept as plain JSON (vocabularies, idf weights, coefficients, intercepts),
never pickled: loading a pickle runs code, loading JSON only reads numbers. ``load`` puts the
numbers back into scikit-learn objects, so a stored model predicts exactly what it predicted
when it was trained.
"""

import re

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

FORMAT = "ps_dispute_tfidf_logreg/1"
RANDOM_STATE = 17
# Quoted history ("> ...") and the "On ... wrote:" line repeat our own invoice e-mail: they say
# nothing about the client's reason and would make every reply look alike.
_QUOTED = re.compile(r"^\s*>.*$", re.MULTILINE)
_NUMBERS = re.compile(r"\d+")


def _vectorizer_params():
    """Return the parameters of the word and the character vectorizers."""
    common = {"lowercase": True, "sublinear_tf": True, "strip_accents": "unicode", "preprocessor": None}
    return {
        "word": {**common, "analyzer": "word", "ngram_range": (1, 2), "min_df": 2, "max_features": 8000},
        "char": {**common, "analyzer": "char_wb", "ngram_range": (3, 5), "min_df": 2, "max_features": 12000},
    }


def clean(text):
    """Return ``text`` without quoted history, with digits folded (invoice numbers are not a reason)."""
    return _NUMBERS.sub("0", _QUOTED.sub(" ", text or "")).strip()


class DisputeTextModel:
    """Word and character TF-IDF features side by side, and a multinomial logistic regression."""

    def __init__(self, vectorizers, classifier):
        self.vectorizers = vectorizers
        self.classifier = classifier

    @property
    def classes(self):
        return [str(label) for label in self.classifier.classes_]

    @classmethod
    def train(cls, texts, labels):
        """Return a model fitted on ``texts`` labelled with ``labels`` (reason codes)."""
        texts = [clean(text) for text in texts]
        vectorizers = {name: TfidfVectorizer(**params) for name, params in _vectorizer_params().items()}
        features = sparse.hstack([vectorizers[name].fit_transform(texts) for name in ("word", "char")]).tocsr()
        classifier = LogisticRegression(C=20.0, max_iter=2000, random_state=RANDOM_STATE)
        classifier.fit(features, labels)
        return cls(vectorizers, classifier)

    def _features(self, texts):
        texts = [clean(text) for text in texts]
        return sparse.hstack([self.vectorizers[name].transform(texts) for name in ("word", "char")]).tocsr()

    def predict_proba(self, texts):
        """Return an array (texts × classes) of probabilities, classes in ``self.classes`` order."""
        return self.classifier.predict_proba(self._features(texts))

    def predict(self, texts):
        """Return [(reason code, confidence)] for ``texts``."""
        if not texts:
            return []
        probabilities = self.predict_proba(texts)
        best = probabilities.argmax(axis=1)
        classes = self.classes
        return [(classes[index], float(probabilities[row, index])) for row, index in enumerate(best)]

    def to_json(self):
        """Return the model as a dict of lists and numbers (json.dumps-able)."""
        return {
            "format": FORMAT,
            "vectorizers": {
                name: {
                    "vocabulary": {term: int(index) for term, index in vectorizer.vocabulary_.items()},
                    "idf": vectorizer.idf_.tolist(),
                }
                for name, vectorizer in self.vectorizers.items()
            },
            "classes": self.classes,
            "coef": self.classifier.coef_.tolist(),
            "intercept": self.classifier.intercept_.tolist(),
        }

    @classmethod
    def from_json(cls, data):
        """Return the model stored by ``to_json``; refuse anything else."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("Not a dispute classifier model.")
        params = _vectorizer_params()
        vectorizers = {}
        for name in ("word", "char"):
            stored = data["vectorizers"][name]
            vectorizer = TfidfVectorizer(**params[name])
            vectorizer.vocabulary_ = {str(term): int(index) for term, index in stored["vocabulary"].items()}
            vectorizer.idf_ = np.asarray(stored["idf"], dtype=np.float64)
            vectorizers[name] = vectorizer
        classifier = LogisticRegression()
        classifier.classes_ = np.asarray(data["classes"], dtype=object)
        classifier.coef_ = np.asarray(data["coef"], dtype=np.float64)
        classifier.intercept_ = np.asarray(data["intercept"], dtype=np.float64)
        return cls(vectorizers, classifier)


def held_out_split(texts, labels, test_size=0.25):
    """Return (train texts, test texts, train labels, test labels): a stratified split, fixed seed."""
    return train_test_split(texts, labels, test_size=test_size, stratify=labels, random_state=RANDOM_STATE)


def macro_f1(model, texts, labels):
    """Return the macro-averaged F1 of ``model`` on ``texts`` against ``labels``."""
    predicted = [code for code, _confidence in model.predict(texts)]
    return float(f1_score(labels, predicted, average="macro"))
